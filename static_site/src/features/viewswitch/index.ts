/** What the calendar, timeline and map views share: their toolbar, record editor, dates, layouts and records. */
export { labelOf, NewRecordEditor, RecordEditor } from "./components/RecordEditor";
export { DateFieldSelects, DisplayFieldSelect, FieldSelect, ViewFilter, ViewToolbar } from "./components/ViewControls";
export {
  addDays,
  type DayRange,
  daysBetween,
  dayToTime,
  rangeFilter,
  shiftPatch,
  shiftValue,
  spanOf,
  today,
} from "./dates";
export { type LiveState, useLiveRefetch, useViewRecords, useViewWrites, VIEW_LIMIT } from "./useViewRecords";
export {
  asObject,
  DATE_TYPES,
  dayOr,
  displayDefault,
  fieldOf,
  finiteOr,
  firstOf,
  NUMBER_TYPES,
  oneOf,
  POINT_TYPES,
} from "./viewConfig";
