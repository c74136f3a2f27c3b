using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Policies;

public sealed class KnownRecipientsTests
{
    [Fact]
    public async Task AnUnknownRecipientGets550AndTheMessageGoesToTheKnownOnes()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.KnownRecipients("alice@example.com")));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        var replies = await client.SendMailAsync("app@example.com", "nobody@example.com", "alice@example.com");

        Assert.Equal("550 5.1.1 Recipient address rejected: User unknown", replies[1]);
        Assert.StartsWith("250 2.1.5", replies[2]);
        Assert.StartsWith("250 2.0.0", replies[^1]);
        Assert.Equal(["alice@example.com"], (await server.WaitForMessageAsync()).Envelope.Recipients);
        Assert.Equal("KnownRecipients", server.Attempts.Single().Refusals.Single().AnsweredBy);
    }

    [Fact]
    public async Task AddressesAreComparedIgnoringCase()
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.KnownRecipients("Alice@Example.com")));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        Assert.StartsWith("250", (await client.SendMailAsync("app@example.com", "alice@example.COM"))[1]);
    }

    [Theory]
    [InlineData("@example.com")]
    [InlineData("example.com")]
    public async Task ADomainEntryAcceptsEveryMailboxOfThatDomainOnly(string entry)
    {
        await using var server = await SmtpTestServer.StartAsync(o => o.Policies.Add(SmtpPolicies.KnownRecipients(entry)));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        var replies = await client.SendMailAsync("app@example.com", "anyone@example.com", "anyone@sub.example.com", "anyone@example.org");

        Assert.StartsWith("250", replies[1]);
        Assert.StartsWith("550 5.1.1", replies[2]);
        Assert.StartsWith("550 5.1.1", replies[3]);
    }

    [Fact]
    public async Task APredicateDecidesWhichRecipientsExist()
    {
        await using var server = await SmtpTestServer.StartAsync(o =>
            o.Policies.Add(SmtpPolicies.KnownRecipients(a => a.StartsWith("user", StringComparison.Ordinal))));
        await using var client = await RawSmtpClient.ConnectAndGreetAsync(server);

        var replies = await client.SendMailAsync("app@example.com", "user1@example.com", "admin@example.com");

        Assert.StartsWith("250", replies[1]);
        Assert.Equal("550 5.1.1 Recipient address rejected: User unknown", replies[2]);
    }

    [Fact]
    public void NoEntryIsRefusedAtTheCall()
    {
        var error = Assert.Throws<ArgumentException>(() => SmtpPolicies.KnownRecipients());

        Assert.Equal("addressesOrDomains", error.ParamName);
        Assert.Contains("at least one mailbox or domain", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("alice@")]
    [InlineData("@")]
    [InlineData("@@example.com")]
    [InlineData("alice@exa mple.com")]
    [InlineData("alice..smith@example.com")]
    [InlineData("-example.com")]
    public void AnEntryThatIsNeitherAMailboxNorADomainIsRefusedAtTheCall(string entry)
    {
        var error = Assert.Throws<ArgumentException>(() => SmtpPolicies.KnownRecipients("alice@example.com", entry));

        Assert.Equal("addressesOrDomains", error.ParamName);
        Assert.Contains($"'{entry}' is neither a mailbox", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"alice smith\"@example.com")]
    [InlineData("alice@[192.0.2.1]")]
    [InlineData("jörg@bücher.example")]
    [InlineData("localhost")]
    public void EveryMailboxAndDomainTheServerAcceptsIsAValidEntry(string entry) =>
        Assert.Equal("KnownRecipients", SmtpPolicies.KnownRecipients(entry).Name);
}
