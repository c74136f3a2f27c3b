namespace SmtpFixture.Xunit.Tests;

/// <summary>One server shared by every class in the collection; the collection's tests run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SharedSmtpCollection : ICollectionFixture<SmtpServerFixture>
{
    public const string Name = "Shared SMTP server";
}

/// <summary>
/// The per-test reset pattern: xUnit builds the test class anew for every test, so a reset in the constructor gives
/// each test an empty server. That is safe here because the tests of a collection never run at the same time.
/// </summary>
[Collection(SharedSmtpCollection.Name)]
public sealed class SignupMailTests
{
    private readonly SmtpServerFixture _smtp;

    public SignupMailTests(SmtpServerFixture smtp)
    {
        _smtp = smtp;
        smtp.Reset();
    }

    [Fact]
    public async Task EachTestStartsWithAnEmptyServerAfterReset()
    {
        Assert.Empty(_smtp.Server.Messages);
        Assert.Empty(_smtp.Server.Attempts);

        await Mail.SendAsync(_smtp, Mail.UniqueRecipient(), "Welcome");

        var all = await _smtp.WaitForMessagesAsync(1);
        Assert.Equal("Welcome", Assert.Single(all).Subject);
    }

    [Fact]
    public async Task ASecondTestSeesOnlyItsOwnMessageAfterReset()
    {
        Assert.Empty(_smtp.Server.Messages);

        await Mail.SendAsync(_smtp, Mail.UniqueRecipient(), "Confirm your address");

        Assert.Equal("Confirm your address", Assert.Single(_smtp.Server.Messages).Subject);
    }
}

/// <summary>Another class in the same collection: the same server instance, reset before each of its tests too.</summary>
[Collection(SharedSmtpCollection.Name)]
public sealed class PasswordResetMailTests
{
    private readonly SmtpServerFixture _smtp;

    public PasswordResetMailTests(SmtpServerFixture smtp)
    {
        _smtp = smtp;
        smtp.Reset();
    }

    [Fact]
    public async Task ResetClearsMailThatAnotherClassOfTheCollectionSent()
    {
        Assert.Empty(_smtp.Server.Messages);
        var to = Mail.UniqueRecipient();

        await Mail.SendAsync(_smtp, to, "Reset your password");

        var mail = Assert.Single(_smtp.Server.Messages);
        Assert.Equal(to, Assert.Single(mail.Envelope.Recipients));
    }

    [Fact]
    public async Task TheTranscriptGoesToEachTestOfTheCollectionInTurn()
    {
        var to = Mail.UniqueRecipient();

        await Mail.SendAsync(_smtp, to);

        Assert.Contains("] C: RCPT TO:<" + to + ">", TestContext.Current.TestOutputHelper!.Output, StringComparison.Ordinal);
    }
}
