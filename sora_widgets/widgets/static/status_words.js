// The words a task status is shown with, shared by the StatusBar (and so the Studio) and the
// Prompt Lab's cards (_common.widget_esm puts this file in front of their own JS). The lab's own
// states (planned, queued for a slot, skipped by the budget) are at the end.
const STATUS_TEXT = {
  idle: "Idle",
  pending: "Queued",
  in_progress: "Rendering",
  completed: "Completed",
  failed: "Failed",
  planned: "Planned",
  queued: "Waiting for a slot",
  skipped: "Skipped",
};
