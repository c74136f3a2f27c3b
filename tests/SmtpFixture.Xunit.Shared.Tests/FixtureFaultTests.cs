using MailKit.Net.Smtp;
using SmtpFixture.Policies;

// Shared by the xUnit v2 and v3 test projects (linked into both), as the fixture itself is.
namespace SmtpFixture.Xunit.Tests;

/// <summary>A policy error no test saw fails the fixture's disposal, after the server has stopped and freed its port.</summary>
public sealed class FixtureFaultTests
{
    [Fact]
    public async Task DisposingTheFixtureThrowsAPolicyErrorNoTestSaw()
    {
        var fixture = new SmtpServerFixture();
        await fixture.InitializeAsync();
        fixture.Server.Policies.Add(new ThrowingPolicy());
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => Mail.SendAsync(fixture, "bob@example.com"));
        Assert.Equal(451, (int)refused.StatusCode);

        var error = await Assert.ThrowsAsync<SmtpPolicyException>(async () => await fixture.DisposeAsync());

        Assert.Contains("policy broke", Assert.Single(error.InnerExceptions).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposingTheFixtureIsQuietWithoutPolicyErrors()
    {
        var fixture = new SmtpServerFixture();
        await fixture.InitializeAsync();

        await fixture.DisposeAsync();

        Assert.Equal("SMTP server (not started)", fixture.ToString());
    }

    private sealed class ThrowingPolicy : SmtpPolicy
    {
        public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("policy broke");
    }
}
