// smtp-fixture from Node: send with nodemailer, wait on /api/v1/wait, switch greylisting on over the API,
// and read and delete messages with a Mailpit API client from npm, unchanged.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import nodemailer from "nodemailer";
import { MailpitClient } from "mailpit-api";
import { startSmtpFixture } from "../smtp-fixture.mjs";

describe("smtp-fixture", () => {
  let fixture;
  let transport;

  before(async () => {
    fixture = await startSmtpFixture();
    transport = nodemailer.createTransport({ host: fixture.host, port: fixture.smtpPort, secure: false, ignoreTLS: true, pool: false });
  });

  after(async () => {
    transport?.close();
    if (fixture) assert.equal(await fixture.stop(), 0);
  });

  beforeEach(async () => {
    await fixture.call("POST", "/api/v1/reset");
    await fixture.call("DELETE", "/api/v1/policies");
  });

  test("a sent message is there when /api/v1/wait answers", async () => {
    const waiting = fixture.call("GET", "/api/v1/wait?query=" + encodeURIComponent("to:alice@example.com subject:Welcome") + "&timeout=30s");
    await transport.sendMail({ from: "app@example.com", to: "alice@example.com", subject: "Welcome", text: "Hello Alice" });

    const result = await waiting;
    assert.equal(result.count, 1);
    const message = await fixture.call("GET", `/api/v1/message/${result.messages[0].ID}`);
    assert.equal(message.Subject, "Welcome");
    assert.equal(message.Text.trim(), "Hello Alice");
    assert.deepEqual(message.Envelope.Recipients, ["alice@example.com"]);
  });

  test("a wait that times out answers 408 with what did arrive", async () => {
    await transport.sendMail({ from: "app@example.com", to: "bob@example.com", subject: "For Bob", text: "-" });

    await assert.rejects(fixture.call("GET", "/api/v1/wait?query=to:alice&timeout=0.2"), (error) => {
      assert.equal(error.status, 408);
      assert.match(error.body, /^Timed out after 0\.2 s waiting for a message matching "to:alice"/);
      assert.match(error.body, /For Bob/);
      return true;
    });
  });

  test("greylisting switched on over the API: 450 first, the retry is accepted", async () => {
    const policies = await fixture.call("PUT", "/api/v1/policies", { greylisting: { delay: "0s" } });
    assert.equal(policies.greylisting.delay, "0s");
    const mail = { from: "app@example.com", to: "carol@example.com", subject: "Greylisted", text: "Try again" };

    await assert.rejects(transport.sendMail(mail), (error) => {
      assert.equal(error.responseCode, 450);
      assert.match(error.response, /^450 4\.7\.1/);
      return true;
    });
    const info = await transport.sendMail(mail);

    assert.deepEqual(info.accepted, ["carol@example.com"]);
    const result = await fixture.call("GET", "/api/v1/wait?query=subject:Greylisted&timeout=30s");
    assert.equal(result.count, 1);
    const attempts = await fixture.call("GET", "/api/v1/attempts");
    const replies = attempts.flatMap((a) => a.exchanges).filter((x) => x.stage === "rcptTo").map((x) => x.code);
    assert.deepEqual(replies, [450, 250]);
  });

  test("a Mailpit API client from npm lists, reads, searches and deletes messages", async () => {
    const mailpit = new MailpitClient(fixture.api);
    await transport.sendMail({ from: "shop@example.com", to: "dave@example.com", subject: "Order 1", text: "First order" });
    await transport.sendMail({
      from: "shop@example.com",
      to: "erin@example.com",
      subject: "Order 2",
      text: "Second order",
      attachments: [{ filename: "receipt.txt", content: "Paid." }],
    });
    await fixture.call("GET", "/api/v1/wait?count=2&timeout=30s");

    const list = await mailpit.listMessages();
    assert.equal(list.total, 2);
    assert.deepEqual(list.messages.map((m) => m.Subject), ["Order 2", "Order 1"]);

    const latest = await mailpit.getMessageSummary();
    assert.equal(latest.Subject, "Order 2");
    assert.equal(latest.Attachments[0].FileName, "receipt.txt");
    const receipt = await mailpit.getMessageAttachment(latest.ID, latest.Attachments[0].PartID);
    assert.equal(Buffer.from(await receipt.arrayBuffer()).toString(), "Paid.");
    const headers = await mailpit.getMessageHeaders(latest.ID);
    assert.deepEqual(headers.Subject, ["Order 2"]);
    assert.match(await mailpit.getMessageSource(latest.ID), /Subject: Order 2/);

    const found = await mailpit.searchMessages({ query: "to:dave" });
    assert.equal(found.messages_count, 1);
    assert.equal(found.messages[0].Subject, "Order 1");

    await mailpit.deleteMessages({ IDs: [found.messages[0].ID] });
    assert.deepEqual((await mailpit.listMessages()).messages.map((m) => m.Subject), ["Order 2"]);
    await mailpit.deleteMessagesBySearch({ query: "subject:Order" });
    assert.equal((await mailpit.listMessages()).total, 0);
  });
});
