using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Policies;

public sealed class AddressSyntaxTests
{
    [Theory]
    [InlineData("simple@example.com")]
    [InlineData("first.last@sub.example.com")]
    [InlineData("user+tag@example.com")]
    [InlineData("!#$%&'*+-/=?^_`{|}~@example.com")]
    [InlineData("\"quoted user\"@example.com")]
    [InlineData("\"a\\\"b@c\"@example.com")]
    [InlineData("x@localhost")]
    [InlineData("x@a-b.example")]
    [InlineData("x@123.example")]
    [InlineData("user@[192.0.2.1]")]
    [InlineData("user@[IPv6:2001:db8::1]")]
    [InlineData("user@[IPv6:::ffff:192.0.2.1]")]
    public void MailboxesOfTheRfc5321GrammarAreValid(string mailbox) => Assert.True(MailboxSyntax.IsValid(mailbox, smtpUtf8: false));

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("@example.com")]
    [InlineData("user@")]
    [InlineData(".leading@example.com")]
    [InlineData("trailing.@example.com")]
    [InlineData("two..dots@example.com")]
    [InlineData("a(comment)@example.com")]
    [InlineData("a,b@example.com")]
    [InlineData("us\"er@example.com")]
    [InlineData("\"unterminated@example.com")]
    [InlineData("\"quoted\"x@example.com")]
    [InlineData("user@@example.com")]
    [InlineData("user@-example.com")]
    [InlineData("user@example-.com")]
    [InlineData("user@ex_ample.com")]
    [InlineData("user@example..com")]
    [InlineData("user@.example.com")]
    [InlineData("user@example.com.")]
    [InlineData("user@[300.1.1.1]")]
    [InlineData("user@[192.0.2]")]
    [InlineData("user@[192.0.2.1")]
    [InlineData("user@[IPv6:zz::1]")]
    [InlineData("user@[IPv6:fe80::1%eth0]")]
    [InlineData("user@[x400:anything]")]
    [InlineData("ünïcode@example.com")]
    [InlineData("user@exämple.com")]
    public void AddressesOutsideTheGrammarAreInvalid(string mailbox) => Assert.False(MailboxSyntax.IsValid(mailbox, smtpUtf8: false));

    [Fact]
    public void TheLocalPartIsAtMost64Octets()
    {
        Assert.True(MailboxSyntax.IsValid(new string('a', 64) + "@example.com", smtpUtf8: false));
        Assert.False(MailboxSyntax.IsValid(new string('a', 65) + "@example.com", smtpUtf8: false));
    }

    [Fact]
    public void ADomainLabelIsAtMost63Octets()
    {
        Assert.True(MailboxSyntax.IsValid("a@" + new string('b', 63) + ".com", smtpUtf8: false));
        Assert.False(MailboxSyntax.IsValid("a@" + new string('b', 64) + ".com", smtpUtf8: false));
    }

    [Theory]
    [InlineData("用户@例子.广告")]
    [InlineData("ünïcode@exämple.com")]
    [InlineData("\"quoted ü\"@example.com")]
    public void NonAsciiMailboxesAreValidOnlyWithSmtpUtf8(string mailbox)
    {
        Assert.True(MailboxSyntax.IsValid(mailbox, smtpUtf8: true));
        Assert.False(MailboxSyntax.IsValid(mailbox, smtpUtf8: false));
    }

    [Fact]
    public async Task ABadRecipientGets553AndTheTransactionGoesOn()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        var replies = await client.SendMailAsync("app@example.com", "bob@ex_ample.com", "alice@example.com");

        Assert.Equal("553 5.1.3 Bad recipient address syntax", replies[1]);
        Assert.StartsWith("250 2.0.0", replies[^1]);
        Assert.Equal(["alice@example.com"], (await server.WaitForMessageAsync()).Envelope.Recipients);
        Assert.Equal("AddressSyntax", server.Attempts.Single().Refusals.Single().AnsweredBy);
    }

    [Fact]
    public async Task ABadSenderGets553()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.Equal("553 5.1.7 Bad sender address syntax", await client.CommandAsync("MAIL FROM:<app..x@example.com>"));
        Assert.StartsWith("250 2.1.0", await client.CommandAsync("MAIL FROM:<app@example.com>"));
    }

    [Fact]
    public async Task TheNullReversePathAndPostmasterAreAccepted()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<Postmaster>"));
    }

    [Fact]
    public async Task NonAsciiAddressesAreAcceptedWhenMailFromDeclaredSmtpUtf8()
    {
        await using var server = await SmtpTestServer.StartAsync();
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<josé@example.com> SMTPUTF8"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<用户@例子.广告>"));
    }

    [Fact]
    public async Task TurningStrictAddressSyntaxOffAcceptsAddressesOutsideTheGrammar()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.StrictAddressSyntax = false);
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        var replies = await client.SendMailAsync("app..x@example.com", "bob@ex_ample.com");

        Assert.StartsWith("250 2.0.0", replies[^1]);
        Assert.Equal("bob@ex_ample.com", (await server.WaitForMessageAsync()).Envelope.Recipients.Single());
    }

    [Fact]
    public async Task AsAnExplicitPolicyItChecksEvenWhenTheDefaultIsOff()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
        {
            o.StrictAddressSyntax = false;
            o.Policies.Add(SmtpPolicies.AddressSyntax());
        });
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.Equal("553 5.1.3 Bad recipient address syntax", await client.CommandAsync("RCPT TO:<bob@ex_ample.com>"));
    }
}
