import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import "./app/studio.css";
import { loadConfig } from "./shared/api";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root");

void loadConfig(window.location.origin).then((config) => {
  createRoot(root).render(
    <StrictMode>
      <App config={config} />
    </StrictMode>,
  );
});
