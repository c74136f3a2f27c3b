using Microsoft.Extensions.Logging;

namespace SmtpFixture.Xunit.Tests;

/// <summary>A fixture that logs to a factory of its own as well; the test output must keep the transcript.</summary>
public sealed class UserLoggingSmtpFixture : SmtpServerFixture
{
    public RecordingLoggerFactory Logs { get; } = new();

    protected override void Configure(SmtpTestServerOptions options) => options.LoggerFactory = Logs;
}

public sealed class LoggingTests(UserLoggingSmtpFixture smtp) : IClassFixture<UserLoggingSmtpFixture>
{
    [Fact]
    public async Task ALoggerFactorySetInConfigureAndTheTestOutputBothGetTheTranscript()
    {
        var recording = new RecordingOutput();
        var to = Mail.UniqueRecipient();

        using (smtp.UseOutput(recording))
        {
            await Mail.SendAsync(smtp, to);
        }

        var line = "] C: RCPT TO:<" + to + ">";
        Assert.Contains(smtp.Logs.Lines, l => l.EndsWith(line, StringComparison.Ordinal));
        Assert.Contains(recording.Lines, l => l.EndsWith(line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnOutputThatRefusesWritesDoesNotDisturbTheServer()
    {
        var to = Mail.UniqueRecipient();

        using (smtp.UseOutput(new FinishedTestOutput()))
        {
            await Mail.SendAsync(smtp, to, "Still delivered");
        }

        var mail = await smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains(to));
        Assert.Equal("Still delivered", mail.Subject);
    }

    /// <summary>What xUnit's helper does once its test has finished.</summary>
    private sealed class FinishedTestOutput : ITestOutputHelper
    {
        public void WriteLine(string message) => throw new InvalidOperationException("There is no currently active test.");

        public void WriteLine(string format, params object[] args) => throw new InvalidOperationException("There is no currently active test.");
    }
}

/// <summary>A logger factory that keeps every formatted entry at Debug and above.</summary>
public sealed class RecordingLoggerFactory : ILoggerFactory
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines)
            {
                owner._lines.Add(formatter(state, exception));
            }
        }
    }
}
