// client.mjs: the official socket.io-client against a Socket.IO server, for
// netlab's interop tests (cmd/netlab/node_interop_test.go).
//
//	node client.mjs URL MODE      MODE: polling | websocket | upgrade
//
// The server must follow the contract of `netlab serve-socketio` (server.mjs
// is the same contract on the official server): "auth" emitted on connection,
// "message" → "message-back", "message-with-ack" → ack, "join"/"leave" with an
// ack, "say" → "said" to the room, "kick" closes the transport, "broadcast"(n,
// ack) emits "tick" 1…n to everyone, "ask" emits "question" with an ack and
// acks with the answer, a "/custom" namespace with the same
// handlers, connection state recovery on.
//
// Each step prints one JSON object on a line of stdout, {"step": NAME, …},
// with what the client saw; the Go test holds the expectations. The first
// error prints {"step": "error", "error": …} and exits 1. Binary values are
// printed as {"binary": HEX}. With connection state recovery on, the server
// appends an offset (a string) to each event it may replay, and the client
// takes a trailing string as that offset (socket.io-client's Socket.emitEvent):
// it is printed apart, as "offset", and left out of "args".
import { io } from "socket.io-client";

const STEP_TIMEOUT = 5000; // ms; every wait below is bounded by it

const [url, mode] = process.argv.slice(2);
const transports = { polling: ["polling"], websocket: ["websocket"], upgrade: undefined }[mode];
if (!url || !(mode in { polling: 1, websocket: 1, upgrade: 1 })) {
  console.error("usage: node client.mjs URL polling|websocket|upgrade");
  process.exit(2);
}
// forceNew: each client gets its own Manager (its own Engine.IO session).
// upgrade mode keeps socket.io-client's default: polling first, then WebSocket.
const options = { forceNew: true, ...(transports && { transports }) };

function report(step, fields) {
  console.log(JSON.stringify({ step, ...fields }));
}

// plain turns a value into plain JSON, binary as {"binary": HEX}, so that the
// Go test compares bytes, not the class Node happened to decode them into.
function plain(v) {
  if (Buffer.isBuffer(v)) return { binary: v.toString("hex") };
  if (v instanceof ArrayBuffer) return { binary: Buffer.from(v).toString("hex") };
  if (ArrayBuffer.isView(v)) return { binary: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex") };
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

// event splits an event's arguments into the arguments and the offset.
function event(socket, args) {
  const recovery = Boolean(socket._pid); // set from the CONNECT reply's pid (socket.io-client 4.8.4)
  if (recovery && typeof args.at(-1) === "string") {
    return { args: plain(args.slice(0, -1)), offset: args.at(-1) };
  }
  return { args: plain(args), offset: null };
}

// once resolves with the arguments of the next `name` event, or rejects
// after STEP_TIMEOUT.
function once(emitter, name) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, handler);
      reject(new Error(`no "${name}" event within ${STEP_TIMEOUT} ms`));
    }, STEP_TIMEOUT);
    function handler(...args) {
      clearTimeout(timer);
      emitter.off(name, handler);
      resolve(args);
    }
    emitter.on(name, handler);
  });
}

// collect records every `name` event from now on; until(n) waits for n of them.
function collect(socket, name) {
  const seen = [];
  const waiters = [];
  const handler = (...args) => {
    seen.push(event(socket, args));
    for (const w of waiters.splice(0)) w();
  };
  socket.on(name, handler);
  return {
    seen,
    stop: () => socket.off(name, handler),
    until: (n, what = name) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${seen.length} "${what}" event(s) within ${STEP_TIMEOUT} ms, want ${n}`)),
          STEP_TIMEOUT,
        );
        const check = () => {
          if (seen.length >= n) {
            clearTimeout(timer);
            resolve(seen);
          } else waiters.push(check);
        };
        check();
      }),
  };
}

// call emits an event with an ack callback and resolves with the ack's
// arguments (socket.timeout makes the callback's first argument an error).
function call(socket, name, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(STEP_TIMEOUT).emit(name, ...args, (err, ...reply) => {
      if (err) reject(new Error(`no ack for "${name}" within ${STEP_TIMEOUT} ms`));
      else resolve(reply);
    });
  });
}

// connected waits for the socket's "connect", or fails with its connect_error.
async function connected(socket) {
  const error = once(socket, "connect_error").then(([err]) => {
    throw new Error(`connect_error on ${socket.nsp}: ${err.message}`);
  });
  error.catch(() => {}); // the timeout of an unused wait is not an error
  await Promise.race([once(socket, "connect"), error]);
}

// transports records, for every Engine.IO session the Manager opens, the
// transport it opened on and the transports it upgraded to.
function watchTransports(manager) {
  const sessions = [];
  manager.on("open", () => {
    const engine = manager.engine;
    const session = { opened: engine.transport.name, upgrades: [] };
    sessions.push(session);
    engine.on("upgrade", (transport) => session.upgrades.push(transport.name));
  });
  return sessions;
}

const message = [1, "two", { three: [3] }, Buffer.from([1, 2, 3])];

async function main() {
  // 1. Connect to "/" with an auth payload; the server emits it back.
  const a = io(url, { ...options, auth: { token: "abc" } });
  const sessions = watchTransports(a.io);
  const auth = once(a, "auth");
  await connected(a);
  report("connect", { id: a.id, transport: a.io.engine.transport.name, recovered: Boolean(a.recovered), recovery: Boolean(a._pid) });
  report("auth", event(a, await auth));

  // 2. An event with every kind of argument, binary included, echoed back.
  const back = once(a, "message-back");
  a.emit("message", ...message);
  report("message-back", event(a, await back));

  // 3. The same arguments with an ack: the server acks with them.
  report("message-with-ack", { args: plain(await call(a, "message-with-ack", ...message)) });

  // 3b. The server asks with an ack: "ask" makes it emit "question" with the
  // same arguments and wait for this client's answer, which it acks back.
  a.on("question", (...args) => {
    const answer = args.pop();
    answer("answer", ...args);
  });
  report("ask", { args: plain(await call(a, "ask", ...message)) });

  // 4. Rooms: join (the server acks once joined), then say to the room.
  report("join", { args: plain(await call(a, "join", "lobby")) });
  const said = once(a, "said");
  a.emit("say", "lobby", "hello");
  report("said", event(a, await said));

  // 5. Leave: say to the room just left, then to the lobby. The server handles
  // one socket's events in order, so if the first "said" reached us it would
  // arrive before the second.
  await call(a, "join", "side");
  await call(a, "leave", "side");
  const afterLeave = collect(a, "said");
  a.emit("say", "side", "not for you");
  a.emit("say", "lobby", "after leave");
  const text = (e) => e.args[0]?.text;
  while (!afterLeave.seen.some((e) => text(e) === "after leave")) {
    await afterLeave.until(afterLeave.seen.length + 1);
  }
  afterLeave.stop();
  report("leave", { texts: afterLeave.seen.map(text) });

  // 6. The "/custom" namespace, on the same Engine.IO session (multiplexed).
  const custom = a.io.socket("/custom", { auth: { token: "custom" } });
  const customAuth = once(custom, "auth");
  await connected(custom);
  const customBack = once(custom, "message-back");
  custom.emit("message", ...message);
  await call(custom, "join", "lobby");
  const customSaid = once(custom, "said");
  custom.emit("say", "lobby", "in custom");
  report("custom", {
    id: custom.id,
    auth: event(custom, await customAuth).args,
    "message-back": event(custom, await customBack).args,
    "message-with-ack": plain(await call(custom, "message-with-ack", ...message)),
    said: event(custom, await customSaid).args,
  });

  // 7. An unknown namespace is refused with CONNECT_ERROR.
  const random = a.io.socket("/random");
  const [err] = await once(random, "connect_error");
  random.disconnect(); // the Manager stops tracking it, so it does not retry
  report("invalid-namespace", { message: err.message, data: err.data ?? null });

  // 8. Recovery after the client's connection dies (the socket.io docs' way
  // to test it: socket.io.engine.close()). B joins the lobby and says three
  // things while A is away. A's automatic reconnection is paused until B has
  // heard its own three "said" (so the server has sent them), which makes the
  // three certainly missed, not a race with the backoff timer.
  const b = io(url, { ...options, auth: { token: "b" } });
  await connected(b);
  await call(b, "join", "lobby");
  const idBefore = a.id;
  const aSaid = collect(a, "said");
  const down = once(a, "disconnect");
  a.io.reconnection(false);
  a.io.engine.close();
  const [reason] = await down;
  const bSaid = collect(b, "said");
  for (const i of [1, 2, 3]) b.emit("say", "lobby", `missed ${i}`);
  await bSaid.until(3, "said (B hearing itself)");
  bSaid.stop();
  const up = once(a, "connect");
  a.io.reconnection(true);
  a.connect();
  await up;
  const recovered = Boolean(a.recovered);
  // From here a shortfall is not thrown but shown in the report's texts.
  await aSaid.until(3).catch(() => {});
  // A is back in the lobby (its rooms were recovered), and anything sent
  // twice would arrive before this live one.
  b.emit("say", "lobby", "live");
  await aSaid.until(aSaid.seen.length + 1).catch(() => {});
  aSaid.stop();
  report("recovery", {
    reason,
    recovered,
    same_id: a.id === idBefore,
    texts: aSaid.seen.map(text),
    from_b: aSaid.seen.every((e) => e.args[0]?.from === b.id),
    offsets: aSaid.seen.every((e) => typeof e.offset === "string" && e.offset !== ""),
  });

  // 9. Recovery after the server closes the transport ("kick"): the client
  // reconnects by itself, with its backoff, while B asks the server to emit
  // three "tick" to everyone. Whether the ticks are replayed or, if A were
  // already back, sent live, A must see each once and in order.
  const ticks = collect(a, "tick");
  const kicked = once(a, "disconnect");
  const back2 = kicked.then(() => once(a, "connect"));
  back2.catch(() => {});
  const idBeforeKick = a.id;
  a.emit("kick");
  const [kickReason] = await kicked;
  const downAt = Date.now();
  await call(b, "broadcast", 3);
  await back2.catch((err) => {
    throw new Error(`${err.message} after "kick" and disconnect "${kickReason}"`);
  });
  const reconnectMs = Date.now() - downAt;
  const recoveredAfterKick = Boolean(a.recovered);
  await ticks.until(3).catch(() => {}); // a shortfall shows in the report's ticks
  await call(a, "message-with-ack", "fence"); // any duplicate tick would come before this ack
  ticks.stop();
  report("recovery-kick", {
    reason: kickReason,
    recovered: recoveredAfterKick,
    same_id: a.id === idBeforeKick,
    ticks: ticks.seen.map((e) => e.args),
    offsets: ticks.seen.every((e) => typeof e.offset === "string" && e.offset !== ""),
    reconnect_ms: reconnectMs,
  });

  // 10. The transports each Engine.IO session of A used. In upgrade mode, wait
  // for the last session's upgrade (it may still be probing).
  const last = sessions.at(-1);
  if (mode === "upgrade" && last.upgrades.length === 0) await once(a.io.engine, "upgrade");
  report("transport", { sessions, final: a.io.engine.transport.name });

  // 11. Leave cleanly: each socket sends DISCONNECT, and each Manager closes
  // its Engine.IO session once its last socket has gone.
  custom.disconnect();
  a.disconnect();
  b.disconnect();
}

main().then(
  // Node exits by itself once the last requests are out; this bounds the wait.
  () => setTimeout(() => process.exit(0), 2000).unref(),
  (err) => {
    report("error", { error: err.message });
    process.exit(1);
  },
);
