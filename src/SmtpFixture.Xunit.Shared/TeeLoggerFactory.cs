using Microsoft.Extensions.Logging;

namespace SmtpFixture.Xunit;

/// <summary>
/// Sends each log entry both to the factory the user configured and to the test output, so that configuring
/// logging in <c>Configure</c> does not switch the transcript off.
/// </summary>
internal sealed class TeeLoggerFactory(ILoggerFactory user, ILoggerProvider output) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new TeeLogger(user.CreateLogger(categoryName), output.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => user.AddProvider(provider);

    public void Dispose()
    {
        // The user's factory belongs to the user; the output provider holds nothing.
    }

    private sealed class TeeLogger(ILogger first, ILogger second) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => first.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => first.IsEnabled(logLevel) || second.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            first.Log(logLevel, eventId, state, exception, formatter);
            second.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
