using System.Net;
using System.Text;
using SmtpFixture.Capture;

namespace SmtpFixture.Tests.Capture;

/// <summary>The parts of a server's capture, each on its own: the log, the fault sink, the waiters and the report.</summary>
public sealed class CapturePartsTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public void TheLogKeepsTheNewestMessagesAndCountsEveryArrival()
    {
        var log = new CaptureLog(maxMessages: 2);

        for (var i = 0; i < 3; i++)
        {
            log.Add(NewMessage("m" + i));
        }

        Assert.Equal(["m1", "m2"], log.Messages.Select(m => m.Id));
        Assert.Equal(3, log.ReceivedSinceReset);
        Assert.Equal(1, log.EvictedCount);
        log.Reset();
        Assert.Empty(log.Messages);
        Assert.Equal(0, log.ReceivedSinceReset);
        Assert.Equal(0, log.EvictedCount);
    }

    [Fact]
    public void TheLogReportsRefusalsAndTheEndOfAStoredAttemptOnce()
    {
        var log = new CaptureLog(maxMessages: 0);
        var refusals = new List<string>();
        var ended = new List<SmtpAttemptOutcome>();
        log.RefusalRecorded += e => refusals.Add(e.Command);
        log.AttemptEnded += a => ended.Add(a.Outcome);
        var attempt = NewAttempt();

        log.AddAttempt(attempt);
        attempt.Add(Exchange("MAIL FROM:<a@example.com>", 250));
        attempt.Add(Exchange("RCPT TO:<b@example.com>", 550));
        attempt.Complete(SmtpAttemptOutcome.Refused);
        attempt.Complete(SmtpAttemptOutcome.Refused);

        Assert.Equal(["RCPT TO:<b@example.com>"], refusals);
        Assert.Equal([SmtpAttemptOutcome.Refused], ended);
    }

    [Fact]
    public void AnAttemptStoredAfterItEndedIsReportedInFull()
    {
        // As the listener stores its session-limit refusal: complete before it is stored.
        var log = new CaptureLog(maxMessages: 0);
        var refusals = new List<int>();
        var ended = 0;
        log.RefusalRecorded += e => refusals.Add(e.Reply.Code);
        log.AttemptEnded += _ => ended++;
        var attempt = NewAttempt();
        attempt.Add(Exchange("<connect>", 421));
        attempt.Complete(SmtpAttemptOutcome.Refused);

        log.AddAttempt(attempt);

        Assert.Equal([421], refusals);
        Assert.Equal(1, ended);
    }

    [Fact]
    public void TheFaultSinkHandsEachErrorOutOnce()
    {
        var sink = new FaultSink();
        sink.Add(new InvalidOperationException("first"));
        sink.Add(new InvalidOperationException("second"));

        Assert.True(sink.HasErrors);
        var error = Assert.Throws<SmtpPolicyException>(sink.ThrowIfAny);

        Assert.Equal(["first", "second"], error.InnerExceptions.Select(e => e.Message));
        Assert.False(sink.HasErrors);
        Assert.Null(sink.Take());
        sink.ThrowIfAny();
    }

    [Fact]
    public async Task AnErrorReportedWhileSomeoneWaitsFailsThatWaitAndIsNotReportedAgain()
    {
        var sink = new FaultSink();
        var waiters = new CaptureWaiters(sink, () => "capture");
        var wait = waiters.WaitAsync(new Waiter<string>(_ => true, "a thing"), () => null, Long, () => string.Empty, CancellationToken.None);

        sink.Add(new InvalidOperationException("policy broke"));
        waiters.FailWithUnreportedErrors();

        var error = await Assert.ThrowsAsync<SmtpPolicyException>(() => wait);
        Assert.Equal("policy broke", Assert.Single(error.InnerExceptions).Message);
        Assert.Null(sink.Take());
    }

    [Fact]
    public async Task StoppingFailsPendingWaitsAndLaterWaitsThatFindNothingButNotThoseThatDo()
    {
        var waiters = new CaptureWaiters(new FaultSink(), () => "No messages were received.");
        var pending = waiters.WaitAsync(new Waiter<string>(_ => true, "a thing"), () => null, Long, () => string.Empty, CancellationToken.None);

        waiters.Stop();

        var error = await Assert.ThrowsAsync<ObjectDisposedException>(() => pending);
        Assert.StartsWith("Cannot wait for a thing: the server was stopped, so nothing more will arrive. No messages were received.", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiters.WaitAsync(new Waiter<string>(_ => true, "another thing"), () => null, Long, () => string.Empty, CancellationToken.None));
        Assert.Equal("kept", await waiters.WaitAsync(new Waiter<string>(_ => true, "a kept thing"), () => "kept", Long, () => string.Empty, CancellationToken.None));
    }

    [Fact]
    public async Task AnOfferedItemWakesOnlyTheWaitersOfItsTypeThatAcceptIt()
    {
        var waiters = new CaptureWaiters(new FaultSink(), () => string.Empty);
        var strings = waiters.WaitAsync(new Waiter<string>(s => s == "yes", "a yes"), () => null, Long, () => string.Empty, CancellationToken.None);
        var uris = waiters.WaitAsync(new Waiter<Uri>(_ => true, "a uri"), () => null, Long, () => string.Empty, CancellationToken.None);

        waiters.Offer("no");
        Assert.False(strings.IsCompleted);
        waiters.Offer("yes");

        Assert.Equal("yes", await strings.WaitAsync(Long));
        Assert.False(uris.IsCompleted);
        waiters.Stop();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => uris);
    }

    [Fact]
    public void TheReportSaysWhatArrivedWhatWasRefusedAndWhatIsUnderWay()
    {
        var refused = NewAttempt();
        refused.Add(Exchange("RCPT TO:<b@example.com>", 550));
        refused.Complete(SmtpAttemptOutcome.Refused);
        var running = NewAttempt();
        running.Add(Exchange("MAIL FROM:<a@example.com>", 250));

        var text = CaptureReport.Describe([NewMessage("Q1")], [refused, running]);

        var lines = text.Split(Environment.NewLine);
        Assert.Equal("1 message was received:", lines[0]);
        Assert.StartsWith("  - Q1: ", lines[1], StringComparison.Ordinal);
        Assert.Equal("1 attempt was refused or aborted:", lines[2]);
        Assert.Contains("RCPT TO:<b@example.com> -> 550", lines[3], StringComparison.Ordinal);
        Assert.Equal("1 attempt is in progress:", lines[4]);
        Assert.Equal("No messages were received." + Environment.NewLine + "No attempts were refused.", CaptureReport.Describe([], []));
    }

    private static SmtpAttempt NewAttempt() => new(Session(), DateTimeOffset.UnixEpoch);

    private static SmtpExchange Exchange(string command, int code) =>
        new(SmtpStage.Other, command, new SmtpReply(code, null, "text"), null, DateTimeOffset.UnixEpoch);

    private static ReceivedMessage NewMessage(string id)
    {
        var attempt = NewAttempt();
        var envelope = new SmtpEnvelope("a@example.com", SmtpParameters.Empty, [new SmtpRecipient("b@example.com", SmtpParameters.Empty)]);
        return new ReceivedMessage(id, envelope, Encoding.ASCII.GetBytes("Subject: " + id + "\r\n\r\nbody\r\n"), Session(), DateTimeOffset.UnixEpoch, attempt);
    }

    private static SmtpSessionInfo Session() => new()
    {
        SessionId = "S1",
        RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 40000),
        LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 25),
        ConnectedAt = DateTimeOffset.UnixEpoch,
    };
}
