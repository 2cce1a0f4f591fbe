// server.mjs: the official socket.io server with the contract of
// `netlab serve-socketio`, for netlab's interop tests: netlab's Go client is
// tested against it, and client.mjs against both.
//
//	node server.mjs PORT [--ping-interval D] [--ping-timeout D] [--recovery=false]
//
// D is milliseconds or a Go-style duration ("300ms", "2s"); PING_INTERVAL and
// PING_TIMEOUT in the environment are used when the flags are absent. It
// listens on 127.0.0.1 and prints `listening PORT` as its first line on
// stdout, then one JSON object per line for each connection and disconnection.
//
// Handlers, on "/" and on "/custom":
//
//	on connection            emit("auth", the CONNECT payload, or {})
//	"message", ...args       emit("message-back", ...args)
//	"message-with-ack", ...args, ack    ack(...args)
//	"join", room, ack        join the room, then ack()
//	"leave", room, ack       leave the room, then ack()
//	"say", room, text        to(room).emit("said", {from: socket.id, room, text})
//	"kick"                   close the Engine.IO connection (a forced close, recoverable)
//	"broadcast", n, ack      emit("tick", i) to everyone in the namespace for i = 1…n, then ack()
//	"ask", ...args, ack      emitWithAck("question", ...args) to this client (5 s timeout), then ack(...its answer)
//
// Any other namespace is refused by socket.io itself with "Invalid namespace".
import { createServer } from "node:http";
import { Server } from "socket.io";

const args = process.argv.slice(2);
const port = Number(args[0]);
if (args.length === 0 || !Number.isInteger(port)) {
  console.error("usage: node server.mjs PORT [--ping-interval D] [--ping-timeout D] [--recovery=false]");
  process.exit(2);
}

function flag(name, env) {
  const i = args.findIndex((a) => a === name || a.startsWith(name + "="));
  if (i < 0) return process.env[env];
  return args[i].includes("=") ? args[i].slice(name.length + 1) : args[i + 1];
}

// ms reads "300", "300ms" or "2s" as milliseconds.
function ms(text, name) {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text);
  if (!m) {
    console.error(`${name} ${text}: want milliseconds or a duration like 300ms or 2s`);
    process.exit(2);
  }
  return Number(m[1]) * (m[2] === "s" ? 1000 : 1);
}

const opts = { connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 } };
const pingInterval = flag("--ping-interval", "PING_INTERVAL");
const pingTimeout = flag("--ping-timeout", "PING_TIMEOUT");
if (pingInterval) opts.pingInterval = ms(pingInterval, "--ping-interval");
if (pingTimeout) opts.pingTimeout = ms(pingTimeout, "--ping-timeout");
if (flag("--recovery", "RECOVERY") === "false") delete opts.connectionStateRecovery;

const httpServer = createServer();
const io = new Server(httpServer, opts);

function log(fields) {
  console.log(JSON.stringify(fields));
}

function handlers(nsp) {
  nsp.on("connection", (socket) => {
    log({ event: "connection", nsp: nsp.name, id: socket.id, recovered: socket.recovered, transport: socket.conn.transport.name });
    socket.on("disconnect", (reason) => log({ event: "disconnect", nsp: nsp.name, id: socket.id, reason }));

    socket.emit("auth", socket.handshake.auth ?? {});
    socket.on("message", (...args) => socket.emit("message-back", ...args));
    socket.on("message-with-ack", (...args) => {
      const ack = args.pop();
      if (typeof ack === "function") ack(...args);
    });
    socket.on("join", (room, ack) => {
      socket.join(room);
      if (typeof ack === "function") ack();
    });
    socket.on("leave", (room, ack) => {
      socket.leave(room);
      if (typeof ack === "function") ack();
    });
    socket.on("say", (room, text) => nsp.to(room).emit("said", { from: socket.id, room, text }));
    socket.on("ask", async (...args) => {
      const ack = args.pop();
      try {
        // The client's ack callback answers with any number of arguments;
        // emitWithAck resolves with the first, so use the callback form.
        const answer = await new Promise((resolve, reject) => {
          socket.timeout(5000).emit("question", ...args, (err, ...answer) => (err ? reject(err) : resolve(answer)));
        });
        if (typeof ack === "function") ack(...answer);
      } catch (err) {
        log({ event: "question unanswered", id: socket.id, error: String(err) });
      }
    });
    socket.on("kick", () => socket.conn.close());
    socket.on("broadcast", (n, ack) => {
      for (let i = 1; i <= n; i++) nsp.emit("tick", i);
      if (typeof ack === "function") ack();
    });
  });
}
handlers(io.of("/"));
handlers(io.of("/custom"));

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`listening ${httpServer.address().port}`);
});

// Stop cleanly on SIGTERM or SIGINT (the Go tests end it so).
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => io.close(() => process.exit(0)));
}
