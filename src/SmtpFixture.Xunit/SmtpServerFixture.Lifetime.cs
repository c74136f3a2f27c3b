using Xunit;

namespace SmtpFixture.Xunit;

// The xUnit v2 side of the fixture: its lifetime interface and, where the framework has one, the current test.
public partial class SmtpServerFixture : IAsyncLifetime
{
    /// <summary>Starts the server; xUnit calls it once, before the first test that uses the fixture.</summary>
    /// <returns>A task that completes when the server accepts connections.</returns>
    /// <remarks>
    /// xUnit v2 cannot tell the fixture which test is running: pass the <c>ITestOutputHelper</c> that the test class
    /// constructor receives to <see cref="UseOutput"/> and dispose the returned scope in the class's <c>Dispose</c>.
    /// </remarks>
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
