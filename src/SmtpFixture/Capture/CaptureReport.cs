using System.Globalization;
using System.Text;

namespace SmtpFixture.Capture;

/// <summary>
/// How a server's capture reads in a failure message: what arrived, what was refused or aborted, what is still under
/// way; and the sentences of the failed waits built on it. Pure text: it reads a snapshot and changes nothing.
/// </summary>
internal static class CaptureReport
{
    /// <summary>What arrived and what was refused, for the message of a failed wait or assertion.</summary>
    public static string Describe(IReadOnlyList<ReceivedMessage> messages, IReadOnlyList<SmtpAttempt> attempts)
    {
        var refused = attempts.Where(a => a.Outcome is SmtpAttemptOutcome.Refused or SmtpAttemptOutcome.Aborted && a.Exchanges.Count > 0).ToArray();

        // A transaction still under way is neither refused nor aborted yet: calling it so would mislead the reader.
        var inProgress = attempts.Where(a => a.Outcome == SmtpAttemptOutcome.InProgress && a.Exchanges.Count > 0).ToArray();
        var text = new StringBuilder();
        text.Append(messages.Count switch { 0 => "No messages were received.", 1 => "1 message was received:", _ => Invariant($"{messages.Count} messages were received:") });
        AppendItems(text, messages);
        if (refused.Length > 0)
        {
            text.AppendLine().Append(refused.Length == 1 ? "1 attempt was refused or aborted:" : Invariant($"{refused.Length} attempts were refused or aborted:"));
            AppendItems(text, refused);
        }
        else
        {
            text.AppendLine().Append("No attempts were refused.");
        }

        if (inProgress.Length > 0)
        {
            text.AppendLine().Append(inProgress.Length == 1 ? "1 attempt is in progress:" : Invariant($"{inProgress.Length} attempts are in progress:"));
            AppendItems(text, inProgress);
        }

        return text.ToString();
    }

    /// <summary>The text of a wait that timed out: what it waited for, how long, what arrived, and what the script still expected.</summary>
    public static string TimedOut(string what, TimeSpan timeout, string capture, string pending) =>
        Invariant($"Timed out after {timeout.TotalSeconds:0.###} s waiting for {what}. {capture}") + Pending(pending);

    /// <summary>The text of a wait cancelled by its token.</summary>
    public static string Canceled(string what, string capture, string pending) =>
        $"The wait for {what} was canceled. {capture}" + Pending(pending);

    /// <summary>The text of a wait that cannot end because the server was stopped (before or during the wait).</summary>
    public static string Stopped(string what, string capture) =>
        $"Cannot wait for {what}: the server was stopped, so nothing more will arrive. {capture}";

    private static string Pending(string pending) => pending.Length > 0 ? Environment.NewLine + pending : string.Empty;

    private static void AppendItems<T>(StringBuilder text, IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            text.AppendLine().Append("  - ").Append(item);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
