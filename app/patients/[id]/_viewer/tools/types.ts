import type { Types } from "@cornerstonejs/core";
import type { Types as ToolTypes } from "@cornerstonejs/tools";

/** What a tool module gets to work with: the one stack viewport and its tool group. */
export type ToolContext = {
  viewport: Types.IStackViewport;
  toolGroup: ToolTypes.IToolGroup;
  modality: string;
};

/** A tool that the left mouse button can drive (the toolbar chooses which). */
export type MouseTool = {
  id: "windowLevel" | "pan" | "zoom" | "length" | "angle" | "ellipticalRoi" | "rectangleRoi" | "probe";
  label: string;
  shortcut: string;
  toolName: string;
};
