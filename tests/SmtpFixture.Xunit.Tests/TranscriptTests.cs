using Microsoft.Extensions.Logging;
using Xunit.Sdk;

namespace SmtpFixture.Xunit.Tests;

/// <summary>The server's log goes to the test output that <see cref="SmtpServerFixture.UseOutput"/> names.</summary>
public sealed class TranscriptTests(SmtpServerFixture smtp, ITestOutputHelper output) : IClassFixture<SmtpServerFixture>
{
    [Fact]
    public async Task TheWireTranscriptIsWrittenToTheOutputInUse()
    {
        var recording = new RecordingOutput();
        var to = Mail.UniqueRecipient();

        using (smtp.UseOutput(recording))
        {
            await Mail.SendAsync(smtp, to);
        }

        Assert.Contains(recording.Lines, l => l.StartsWith("smtp dbug: [", StringComparison.Ordinal) && l.EndsWith("] C: RCPT TO:<" + to + ">", StringComparison.Ordinal));
        Assert.Contains(recording.Lines, l => l.Contains("] S: 250 2.1.5", StringComparison.Ordinal));
        Assert.Contains(recording.Lines, l => l.StartsWith("smtp info: [", StringComparison.Ordinal) && l.Contains("accepted message", StringComparison.Ordinal) && l.Contains(to, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheTranscriptReachesXunitsOwnOutputForTheTest()
    {
        var to = Mail.UniqueRecipient();

        using (smtp.UseOutput(output))
        {
            await Mail.SendAsync(smtp, to);
        }

        // xUnit v2's helper exposes what the test wrote; this is what a failing test would show.
        Assert.Contains("] C: RCPT TO:<" + to + ">", ((TestOutputHelper)output).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingIsWrittenAfterTheScopeIsDisposed()
    {
        var first = new RecordingOutput();
        var second = new RecordingOutput();
        smtp.UseOutput(first).Dispose();
        var to = Mail.UniqueRecipient();

        using (smtp.UseOutput(second))
        {
            await Mail.SendAsync(smtp, to);
        }

        Assert.DoesNotContain(first.Lines, l => l.Contains(to, StringComparison.Ordinal));
        Assert.Contains(second.Lines, l => l.Contains(to, StringComparison.Ordinal));
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
        var recording = new RecordingOutput();
        var to = Mail.UniqueRecipient();

        using (smtp.UseOutput(recording))
        {
            await Mail.SendAsync(smtp, to);
        }

        Assert.DoesNotContain(recording.Lines, l => l.Contains("] C: ", StringComparison.Ordinal));
        Assert.Contains(recording.Lines, l => l.StartsWith("smtp info: [", StringComparison.Ordinal) && l.Contains(to, StringComparison.Ordinal));
    }
}
