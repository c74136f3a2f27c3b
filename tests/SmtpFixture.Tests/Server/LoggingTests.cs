using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace SmtpFixture.Tests.Server;

/// <summary>Logging through the options' ILoggerFactory: the wire transcript at Debug, with stable event ids.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task TranscriptIsLoggedAtDebugWithStableEventIds()
    {
        var collector = new FakeLogCollector();
        await using (var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.LoggerFactory = new FakeLoggerFactory(collector)))
        {
            await CommandTestsAccess.SendMessageAsync(smtp);
            await smtp.CommandAsync("QUIT");
            await smtp.Session.WaitAsync(TimeSpan.FromSeconds(30));
        }

        var records = collector.GetSnapshot();
        Assert.All(records, r => Assert.Equal("SmtpFixture", r.Category));
        Assert.Contains(records, r => r.Id.Id == 10 && r.Level == LogLevel.Debug);
        Assert.Contains(records, r => r.Id.Id == 20 && r.Level == LogLevel.Debug && r.Message.EndsWith("C: EHLO client.example", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 20 && r.Message.EndsWith("C: MAIL FROM:<a@example.com>", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 21 && r.Level == LogLevel.Debug && r.Message.EndsWith("S: 250 2.1.0 Sender OK", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 21 && r.Message.Contains("S: 220 ", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 22 && r.Level == LogLevel.Debug && r.Message.EndsWith("C: <20 octets of message content>", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 30 && r.Level == LogLevel.Information);
        Assert.Contains(records, r => r.Id.Id == 11 && r.Level == LogLevel.Debug);
    }

    [Fact]
    public async Task TranscriptLinesCarryTheSessionId()
    {
        var collector = new FakeLogCollector();
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o => o.LoggerFactory = new FakeLoggerFactory(collector));
        await CommandTestsAccess.SendMessageAsync(smtp);
        var id = Assert.Single(smtp.Store.Messages).Session.SessionId;
        Assert.All(collector.GetSnapshot().Where(r => r.Id.Id is 20 or 21 or 22), r => Assert.StartsWith($"[{id}] ", r.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAndStopAreLoggedAtInformation()
    {
        var collector = new FakeLogCollector();
        var server = await SmtpTestServer.StartAsync(o => o.LoggerFactory = new FakeLoggerFactory(collector));
        await server.DisposeAsync();
        var records = collector.GetSnapshot();
        Assert.Contains(records, r => r.Id.Id == 1 && r.Level == LogLevel.Information && r.Message.Contains(server.EndPoint.ToString(), StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 2 && r.Level == LogLevel.Information);
    }

    [Fact]
    public async Task ALoggerThatThrowsWhileAFailureIsLoggedDoesNotFaultTheSession()
    {
        await using var smtp = await InMemorySmtp.StartWithEhloAsync(o =>
        {
            o.LoggerFactory = new ThrowingLoggerFactory();
            o.Policies.Add(new ThrowingPolicy());
        });
        var wait = smtp.Store.WaitForMessageAsync(null, TimeSpan.FromSeconds(10), () => string.Empty, CancellationToken.None);
        await smtp.CommandAsync("MAIL FROM:<a@example.com>");
        Assert.StartsWith("451 4.3.0 ", await smtp.CommandAsync("RCPT TO:<b@example.com>"));
        Assert.StartsWith("250 ", await smtp.CommandAsync("NOOP"));
        await Assert.ThrowsAsync<SmtpPolicyException>(() => wait);
        await smtp.CommandAsync("QUIT");
        await smtp.Session.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static class CommandTestsAccess
    {
        public static Task SendMessageAsync(InMemorySmtp smtp) => Protocol.CommandTests.SendMessageAsync(smtp, "Subject: t\r\n\r\nbody\r\n");
    }

    private sealed class FakeLoggerFactory(FakeLogCollector collector) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new FakeLogger(collector, categoryName);

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    private sealed class ThrowingPolicy : SmtpFixture.Policies.SmtpPolicy
    {
        public override ValueTask<SmtpFixture.Policies.SmtpVerdict> OnRcptToAsync(SmtpFixture.Policies.SmtpPolicyContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("policy failure in a test");
    }

    /// <summary>A logger that throws for every error it is asked to log, as a broken sink would.</summary>
    private sealed class ThrowingLoggerFactory : ILoggerFactory, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new InvalidOperationException("the log sink is broken");

        public void Dispose()
        {
        }
    }
}
