// Shared by the xUnit v2 and v3 test projects (linked into both), as the fixture itself is: the same tests must pass
// under both versions.
// Both packages put SmtpServerFixture in the namespace SmtpFixture.Xunit; the project picks the package.
namespace SmtpFixture.Xunit.Tests;

/// <summary>The fixture as a class fixture: one server for the tests of this class, which run one at a time.</summary>
public sealed class ClassFixtureTests(SmtpServerFixture smtp) : IClassFixture<SmtpServerFixture>
{
    [Fact]
    public async Task TheServerIsRunningBeforeTheFirstTest()
    {
        Assert.Equal("127.0.0.1", smtp.Host);
        Assert.NotEqual(0, smtp.Port);
        Assert.Equal(smtp.Server.Port, smtp.Port);

        var to = Mail.UniqueRecipient();
        await Mail.SendAsync(smtp, to);
        await smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains(to));
    }

    [Fact]
    public async Task ATestFindsItsOwnMailByItsRecipient()
    {
        var to = Mail.UniqueRecipient();

        await Mail.SendAsync(smtp, to, "Welcome");

        var mail = await smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains(to));
        Assert.Equal("Welcome", mail.Subject);
        Assert.Equal("app@example.com", mail.Envelope.MailFrom);
    }

    [Fact]
    public async Task AnotherTestOfTheClassSharesTheServerButAssertsOnlyOnItsMail()
    {
        var to = Mail.UniqueRecipient();

        await Mail.SendAsync(smtp, to, "Invoice");

        var mail = await smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains(to));
        Assert.Equal("Invoice", mail.Subject);
    }
}
