using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SmtpFixture.Cli;

/// <summary>A minimal logger factory for <c>--verbose</c>: every entry as one line on standard error.</summary>
internal sealed class StderrLoggerFactory : ILoggerFactory
{
    private readonly object _gate = new();
    private readonly TextWriter _error;

    public StderrLoggerFactory(TextWriter error, LogLevel minimum)
    {
        _error = error;
        Minimum = minimum;
    }

    public LogLevel Minimum { get; }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("This factory only writes to standard error.");

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string message, Exception? exception)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.Now:HH:mm:ss.fff} {Abbreviate(level)} {message}");
        lock (_gate)
        {
            _error.WriteLine(line);
            if (exception is not null)
            {
                _error.WriteLine(exception.ToString());
            }

            _error.Flush();
        }
    }

    private static string Abbreviate(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class Logger(StderrLoggerFactory factory) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= factory.Minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                factory.Write(logLevel, formatter(state, exception), exception);
            }
        }
    }
}
