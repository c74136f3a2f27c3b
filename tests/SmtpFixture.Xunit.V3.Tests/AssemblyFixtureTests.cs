namespace SmtpFixture.Xunit.Tests;

/// <summary>The assembly fixture's type (registered in AssemblyInfo.cs); one server for every class that asks for it.</summary>
public sealed class AssemblySmtpFixture : SmtpServerFixture;

/// <summary>
/// Classes sharing the assembly fixture run in parallel, so they never reset it: each test sends to a recipient of
/// its own and waits for that mail only.
/// </summary>
public sealed class OrderMailTests(AssemblySmtpFixture smtp)
{
    [Fact]
    public async Task AnOrderConfirmationArrivesForItsCustomer()
    {
        var to = Mail.UniqueRecipient();

        await Mail.SendAsync(smtp, to, "Order confirmed");

        var mail = await smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains(to));
        Assert.Equal("Order confirmed", mail.Subject);
    }

    [Fact]
    public async Task AShippingNoticeArrivesForItsCustomer()
    {
        var to = Mail.UniqueRecipient();

        await Mail.SendAsync(smtp, to, "Shipped");

        var mail = await smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains(to));
        Assert.Equal("Shipped", mail.Subject);
    }
}

public sealed class NewsletterMailTests(AssemblySmtpFixture smtp)
{
    [Fact]
    public async Task TheAssemblyFixtureIsOneServerForEveryClass()
    {
        var fromContext = await TestContext.Current.GetFixture<AssemblySmtpFixture>();

        Assert.Same(smtp, fromContext);
        Assert.NotNull(smtp.Server);
    }

    [Fact]
    public async Task ANewsletterArrivesForItsSubscriber()
    {
        var to = Mail.UniqueRecipient();

        await Mail.SendAsync(smtp, to, "News");

        var mail = await smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains(to));
        Assert.Equal(to, Assert.Single(mail.Envelope.Recipients));
    }
}
