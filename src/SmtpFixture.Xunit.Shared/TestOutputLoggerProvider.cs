using Microsoft.Extensions.Logging;

namespace SmtpFixture.Xunit;

/// <summary>An <see cref="ILoggerProvider"/> that writes to whichever test output the <see cref="OutputRouter"/> holds now.</summary>
internal sealed class TestOutputLoggerProvider(OutputRouter router, Func<LogLevel> minimumLevel) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(router, minimumLevel);

    public void Dispose()
    {
    }

    private static string Abbreviate(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    private sealed class Logger(OutputRouter router, Func<LogLevel> minimumLevel) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel != LogLevel.None && logLevel >= minimumLevel() && router.Current is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || router.Current is not { } output)
            {
                return;
            }

            var line = "smtp " + Abbreviate(logLevel) + ": " + formatter(state, exception);
            if (exception is not null)
            {
                line += Environment.NewLine + exception;
            }

            try
            {
                output.WriteLine(line);
            }
#pragma warning disable CA1031 // Logging must never fail the SMTP session that logs.
            catch (Exception)
#pragma warning restore CA1031
            {
                // xUnit refuses output once its test has finished (InvalidOperationException; a session can outlive the
                // test that opened it): the line has no test to belong to, so it is dropped.
                router.Forget(output);
            }
        }
    }
}
