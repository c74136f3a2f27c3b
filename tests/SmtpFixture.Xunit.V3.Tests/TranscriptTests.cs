using Microsoft.Extensions.Logging;

namespace SmtpFixture.Xunit.Tests;

/// <summary>
/// Under xUnit v3 the server's log goes to the current test's output by itself: touching the fixture tells it which
/// test is running.
/// </summary>
public sealed class TranscriptTests(SmtpServerFixture smtp) : IClassFixture<SmtpServerFixture>
{
    [Fact]
    public async Task TheWireTranscriptAppearsInTheCurrentTestsOutputWithoutSetup()
    {
        var to = Mail.UniqueRecipient();

        await Mail.SendAsync(smtp, to);

        var output = TestContext.Current.TestOutputHelper!.Output;
        Assert.Contains("] C: RCPT TO:<" + to + ">", output, StringComparison.Ordinal);
        Assert.Contains("smtp info: [", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExplicitOutputTakesPrecedenceWhileItsScopeLasts()
    {
        var recording = new RecordingOutput();
        var to = Mail.UniqueRecipient();

        using (smtp.UseOutput(recording))
        {
            await Mail.SendAsync(smtp, to);
        }

        Assert.Contains(recording.Lines, l => l.StartsWith("smtp dbug: [", StringComparison.Ordinal) && l.EndsWith("] C: RCPT TO:<" + to + ">", StringComparison.Ordinal));
        Assert.DoesNotContain(to, TestContext.Current.TestOutputHelper!.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitingWithoutATokenUsesTheTestsCancellationToken()
    {
        var wait = smtp.WaitForMessageAsync(m => m.Envelope.Recipients.Contains("never@example.com"), TimeSpan.FromMinutes(5));

        TestContext.Current.CancelCurrentTest();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}

/// <summary>A fixture whose output leaves the transcript out.</summary>
public sealed class QuietSmtpFixture : SmtpServerFixture
{
    public QuietSmtpFixture() => OutputLevel = LogLevel.Information;
}

public sealed class QuietTranscriptTests(QuietSmtpFixture smtp) : IClassFixture<QuietSmtpFixture>
{
    [Fact]
    public async Task AtInformationLevelOnlyAcceptedMessagesAreWritten()
    {
        var to = Mail.UniqueRecipient();

        await Mail.SendAsync(smtp, to);

        var output = TestContext.Current.TestOutputHelper!.Output;
        Assert.DoesNotContain("] C: ", output, StringComparison.Ordinal);
        Assert.Contains("accepted message", output, StringComparison.Ordinal);
        Assert.Contains(to, output, StringComparison.Ordinal);
    }
}
