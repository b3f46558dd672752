// A browser app that pauses one key with fetch alone: the floor every client is measured against.
const url = new URL(`/v2/flowControl/${encodeURIComponent("orders")}/pause`, "https://qstash.upstash.io");
fetch(url, { method: "POST", headers: { Authorization: "Bearer <token>" } }).then((response) =>
  console.log(response.ok ? "paused" : "failed"),
);
