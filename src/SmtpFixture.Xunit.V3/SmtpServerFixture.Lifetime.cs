using Xunit;

namespace SmtpFixture.Xunit;

// The xUnit v3 side of the fixture: its lifetime interface and, where the framework has one, the current test.
public partial class SmtpServerFixture : IAsyncLifetime
{
    /// <summary>Starts the server; xUnit calls it once, before the first test that uses the fixture.</summary>
    /// <returns>A task that completes when the server accepts connections.</returns>
    /// <remarks>
    /// Under xUnit v3 the current test comes from <see cref="TestContext.Current"/>: whenever a test touches the fixture
    /// (<see cref="Server"/>, <see cref="Host"/>, <see cref="Port"/>, <see cref="Reset"/>, the <c>WaitFor…</c> methods)
    /// the log is routed to that test's output with no <see cref="UseOutput"/> needed, and the <c>WaitFor…</c> methods
    /// end when the test is cancelled. The fixture also works as an assembly fixture
    /// (<c>[assembly: AssemblyFixture(typeof(MyFixture))]</c> with <c>class MyFixture : SmtpServerFixture;</c>), though
    /// there tests run in parallel and the log goes to the test that touched the fixture last.
    /// </remarks>
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
