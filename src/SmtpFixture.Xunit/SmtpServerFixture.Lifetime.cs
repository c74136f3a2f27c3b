using Xunit;

namespace SmtpFixture.Xunit;

/// <summary>The xUnit v2 side of the fixture: <see cref="IAsyncLifetime"/> with <see cref="Task"/>.</summary>
public partial class SmtpServerFixture : IAsyncLifetime
{
    /// <summary>Starts the server; xUnit calls it once, before the first test that uses the fixture.</summary>
    /// <returns>A task that completes when the server accepts connections.</returns>
    public Task InitializeAsync() => StartServerAsync(CancellationToken.None);

    /// <summary>Stops the server and frees its port; xUnit calls it after the last test that uses the fixture.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="SmtpPolicyException">A policy threw and no <c>WaitFor…</c> call reported it.</exception>
    public Task DisposeAsync() => StopServerAsync();

    // xUnit v2 has no ambient test context: the output comes only through UseOutput.
    private partial void ObserveCurrentTest()
    {
    }

    private partial CancellationToken CurrentTestCancellationToken() => CancellationToken.None;
}
