using Xunit;

namespace SmtpFixture.Xunit.V3;

/// <summary>
/// The xUnit v3 side of the fixture: <see cref="IAsyncLifetime"/> with <see cref="ValueTask"/>, and the current test
/// taken from <see cref="TestContext.Current"/>. Whenever a test touches the fixture (<see cref="Server"/>,
/// <see cref="Host"/>, <see cref="Port"/>, <see cref="Reset"/>, the <c>WaitFor…</c> methods) the log is routed to that
/// test's output, with no <see cref="UseOutput"/> needed; it also works as an assembly fixture
/// (<c>[assembly: AssemblyFixture(typeof(SmtpServerFixture))]</c>), though there tests run in parallel and the log
/// goes to the test that touched the fixture last.
/// </summary>
public partial class SmtpServerFixture : IAsyncLifetime
{
    /// <summary>Starts the server; xUnit calls it once, before the first test that uses the fixture.</summary>
    /// <returns>A task that completes when the server accepts connections.</returns>
    public ValueTask InitializeAsync() => new(StartServerAsync(TestContext.Current.CancellationToken));

    /// <summary>Stops the server and frees its port; xUnit calls it after the last test that uses the fixture.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="SmtpPolicyException">A policy threw and no <c>WaitFor…</c> call reported it.</exception>
    public async ValueTask DisposeAsync()
    {
        await StopServerAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    private partial void ObserveCurrentTest()
    {
        // Only a test's own flow knows its output: the server's sessions run in the flow the fixture started in.
        var context = TestContext.Current;
        if (context.Test is not null && context.TestOutputHelper is { } output)
        {
            _router.Observe(output);
        }
    }

    private partial CancellationToken CurrentTestCancellationToken() => TestContext.Current.CancellationToken;
}
