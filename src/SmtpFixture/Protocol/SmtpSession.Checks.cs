using SmtpFixture.Checks;

namespace SmtpFixture.Protocol;

/// <summary>
/// The session's side of the client and message checks (src/SmtpFixture/Checks): recording a violation where it
/// happened, and refusing for it when its rule is in Reject mode. Every hook in the other session files is one call here.
/// </summary>
internal sealed partial class SmtpSession
{
    /// <summary>Records that the client broke <paramref name="rule"/>, unless it is off; true when the rule's mode is Reject.</summary>
    private bool Violate(SmtpRule rule, SmtpStage stage, string location, string? excerpt = null, string? detail = null)
    {
        if (!_engine.Checks.IsOn(rule))
        {
            return false;
        }

        _recorder.NoteViolation(new SmtpViolation(rule, stage, location, excerpt, _id, null, detail));
        return _engine.Checks.Rejects(rule);
    }

    /// <summary>Where a violation in a command is: <c>command MAIL</c>; the line itself, redacted, is the excerpt.</summary>
    private static string Where(in SmtpCommand command)
    {
        var space = command.Text.IndexOf(' ', StringComparison.Ordinal);
        return "command " + (space < 0 ? command.Text : command.Text[..space]).ToUpperInvariant();
    }

    /// <summary>The byte-level rules: from the unstuffer's single pass for DATA, from one scan of the chunks for BDAT.</summary>
    private List<SmtpViolation>? CheckContent(byte[] data, Transaction transaction)
    {
        var checks = _engine.Checks;
        if (!checks.IsOn(KnownRules.BareLineEnding) && !checks.IsOn(KnownRules.LineTooLong) && !checks.IsOn(KnownRules.EightBitUndeclared) && !checks.IsOn(KnownRules.SizeUnderdeclared))
        {
            return null;
        }

        var findings = transaction.IsChunking ? ContentChecks.Scan(data) : _unstuffer.Findings;
        return ContentChecks.Run(findings, data, transaction.MailParameters, checks, _id);
    }

    /// <summary>
    /// When one of <paramref name="found"/> is of a rule in Reject mode: records them all, answers with that rule's
    /// reply and ends the transaction. Otherwise leaves them to be recorded with the message.
    /// </summary>
    private bool RefusedFor(IReadOnlyList<SmtpViolation>? found, string command)
    {
        var rejecting = found?.FirstOrDefault(v => _engine.Checks.Rejects(v.RuleInfo));
        if (rejecting is null)
        {
            return false;
        }

        foreach (var violation in found!)
        {
            _recorder.NoteViolation(violation);
        }

        // A bare line ending in content keeps the reply it always had.
        var reply = rejecting.RuleInfo == KnownRules.BareLineEnding ? Replies.BareLineEndingInData : rejecting.RuleInfo.RejectReply!;
        Reply(SmtpStage.EndOfMessage, command, reply, "Checks");
        EndTransaction(SmtpAttemptOutcome.Refused);
        return true;
    }

    private static MimeKit.MimeMessage? TryParseMime(byte[] data)
    {
        try
        {
            using var stream = new MemoryStream(data, writable: false);
            return MimeKit.MimeMessage.Load(stream);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
