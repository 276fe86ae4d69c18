export { TimelineView } from "./TimelineView";
