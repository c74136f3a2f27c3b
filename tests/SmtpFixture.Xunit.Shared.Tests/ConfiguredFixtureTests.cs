using SmtpFixture.Policies;

// Shared by the xUnit v2 and v3 test projects (linked into both), as the fixture itself is: the same tests must pass
// under both versions.
// Both packages put SmtpServerFixture in the namespace SmtpFixture.Xunit; the project picks the package.
namespace SmtpFixture.Xunit.Tests;

/// <summary>A fixture configured by overriding Configure; it keeps the parameterless constructor xUnit needs.</summary>
public sealed class StrictSmtpFixture : SmtpServerFixture
{
    protected override void Configure(SmtpTestServerOptions options)
    {
        options.ServerName = "mx.test";
        options.MaxRecipients = 2;
        options.Policies.Add(new RefuseRecipient("nobody@example.com"));
    }

    private sealed class RefuseRecipient(string address) : SmtpPolicy
    {
        public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(context.Address == address ? SmtpVerdict.Reply(new SmtpReply(550, "5.1.1", "No such user")) : SmtpVerdict.Continue);
    }
}

public sealed class ConfiguredFixtureTests(StrictSmtpFixture smtp) : IClassFixture<StrictSmtpFixture>
{
    [Fact]
    public void ConfigureSetsTheOptionsTheServerStartsWith()
    {
        Assert.Equal("mx.test", smtp.Server.Options.ServerName);
        Assert.Equal(2, smtp.Server.Options.MaxRecipients);
    }

    [Fact]
    public async Task PoliciesAddedInConfigureAnswerClients()
    {
        var error = await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => Mail.SendAsync(smtp, "nobody@example.com"));

        Assert.Equal(MailKit.Net.Smtp.SmtpStatusCode.MailboxUnavailable, error.StatusCode);
        Assert.Contains(smtp.Server.Attempts, a => a.Refusals.Any(r => r.Stage == SmtpStage.RcptTo && r.Reply.Code == 550));
    }
}
