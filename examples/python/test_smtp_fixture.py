"""smtp-fixture from Python with the standard library only: unittest, smtplib, urllib.

Run from the repository root:  python3 -m unittest discover -s examples/python -v
SMTP_FIXTURE_CMD overrides how the tool is started (default: dotnet run --project src/SmtpFixture.Cli).
"""
import json
import os
import shlex
import smtplib
import subprocess
import unittest
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


class SmtpFixture:
    """The tool as a child process, with its SMTP port and its HTTP API."""

    def __init__(self):
        command = shlex.split(os.environ.get("SMTP_FIXTURE_CMD", "")) or [
            "dotnet", "run", "--project", str(REPO / "src" / "SmtpFixture.Cli"), "--"]
        self.process = subprocess.Popen(
            command + ["--port", "0", "--http-port", "0", "--json"],
            stdout=subprocess.PIPE, text=True)
        for line in self.process.stdout:  # `dotnet run` may print build output before the first JSON line
            if line.startswith("{") and json.loads(line)["event"] == "listening":
                listening = json.loads(line)
                break
        else:
            raise RuntimeError(f"smtp-fixture exited with code {self.process.wait()} before listening")
        self.host, self.smtp_port = listening["host"], listening["port"]
        self.api = f"http://{self.host}:{listening['httpPort']}"

    def call(self, method, path, body=None, timeout=60):
        """Calls the HTTP API and returns the parsed JSON (or text); raises HTTPError for other statuses."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.api + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"} if data else {})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
            return json.loads(text) if "json" in response.headers.get("Content-Type", "") else text

    def wait(self, query="", count=1, timeout="30s"):
        """Long-polls /api/v1/wait until `count` messages match `query` (those already there count too)."""
        params = urllib.parse.urlencode({"query": query, "count": count, "timeout": timeout})
        return self.call("GET", f"/api/v1/wait?{params}")

    def send(self, to, subject, text="Hello."):
        message = EmailMessage()
        message["From"] = "app@example.com"
        message["To"] = to
        message["Subject"] = subject
        message.set_content(text)
        with smtplib.SMTP(self.host, self.smtp_port) as client:
            client.send_message(message)

    def stop(self):
        """SIGTERM: the tool answers 421 to connected clients, frees its ports and exits 0."""
        self.process.terminate()
        code = self.process.wait(timeout=30)
        self.process.stdout.close()
        return code


class SmtpFixtureTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fixture = SmtpFixture()

    @classmethod
    def tearDownClass(cls):
        assert cls.fixture.stop() == 0

    def setUp(self):
        self.fixture.call("POST", "/api/v1/reset")
        self.fixture.call("DELETE", "/api/v1/policies")

    def test_a_sent_message_is_there_when_wait_answers(self):
        self.fixture.send("alice@example.com", "Welcome", "Hello Alice")

        result = self.fixture.wait("to:alice@example.com subject:Welcome")

        self.assertEqual(result["count"], 1)
        message = self.fixture.call("GET", f"/api/v1/message/{result['messages'][0]['ID']}")
        self.assertEqual(message["Subject"], "Welcome")
        self.assertEqual(message["Text"].strip(), "Hello Alice")
        self.assertEqual(message["Envelope"]["Recipients"], ["alice@example.com"])

    def test_a_wait_that_times_out_answers_408_with_what_did_arrive(self):
        self.fixture.send("bob@example.com", "For Bob")

        with self.assertRaises(urllib.error.HTTPError) as caught:
            self.fixture.wait("to:alice", timeout="0.2")

        self.assertEqual(caught.exception.code, 408)
        text = caught.exception.read().decode()
        self.assertTrue(text.startswith('Timed out after 0.2 s waiting for a message matching "to:alice"'), text)
        self.assertIn("For Bob", text)

    def test_greylisting_switched_on_over_the_api_defers_then_accepts_the_retry(self):
        policies = self.fixture.call("PUT", "/api/v1/policies", {"greylisting": {"delay": "0s"}})
        self.assertEqual(policies["greylisting"]["delay"], "0s")

        with self.assertRaises(smtplib.SMTPRecipientsRefused) as caught:
            self.fixture.send("carol@example.com", "Greylisted")
        code, reply = caught.exception.recipients["carol@example.com"]
        self.assertEqual(code, 450)
        self.assertTrue(reply.startswith(b"4.7.1"), reply)

        self.fixture.send("carol@example.com", "Greylisted")

        self.assertEqual(self.fixture.wait("subject:Greylisted")["count"], 1)
        attempts = self.fixture.call("GET", "/api/v1/attempts")
        codes = [x["code"] for a in attempts for x in a["exchanges"] if x["stage"] == "rcptTo"]
        self.assertEqual(codes, [450, 250])


if __name__ == "__main__":
    unittest.main()
