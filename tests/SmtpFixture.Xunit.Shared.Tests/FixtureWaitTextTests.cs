// Shared by the xUnit v2 and v3 test projects (linked into both), as the fixture itself is.
namespace SmtpFixture.Xunit.Tests;

/// <summary>The fixture's wait passes the predicate's source text on, so its timeout shows what was awaited.</summary>
public sealed class FixtureWaitTextTests(SmtpServerFixture smtp) : IClassFixture<SmtpServerFixture>
{
    [Fact]
    public async Task ATimeoutThroughTheFixtureShowsThePredicateAsWritten()
    {
        var to = Mail.UniqueRecipient();

        var error = await Assert.ThrowsAsync<SmtpWaitTimeoutException>(() => smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains(to), TimeSpan.Zero));

        Assert.StartsWith("Timed out after 0 s waiting for a message matching m => m.Envelope.Recipients.Contains(to). ", error.Message, StringComparison.Ordinal);
    }
}
