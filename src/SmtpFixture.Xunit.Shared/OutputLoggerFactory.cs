using Microsoft.Extensions.Logging;

namespace SmtpFixture.Xunit;

/// <summary>The logger factory given to the server when the user configured none: only the test output.</summary>
internal sealed class OutputLoggerFactory(ILoggerProvider output) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => output.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The fixture's logger factory writes to the test output only; set SmtpTestServerOptions.LoggerFactory in Configure to log elsewhere too.");

    public void Dispose()
    {
    }
}
