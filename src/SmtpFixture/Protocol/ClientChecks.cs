using System.Buffers;
using System.Text;
using SmtpFixture.Checks;

namespace SmtpFixture.Protocol;

/// <summary>
/// The session's side of the client and message checks (src/SmtpFixture/Checks): recording a violation where it
/// happened, and refusing for it when its rule is in Reject mode. Every hook in the session and its handlers is one call here.
/// </summary>
internal sealed class ClientChecks
{
    // What the client had already sent after a command or a message when it was read: sent before the reply.
    public static readonly (string What, bool EndsGroup) AfterContent = ("the message content", false);

    private readonly SmtpSession _session;
    private readonly SmtpEngine _engine;

    // Whether the command after a pipelining violation is refused (Reject mode).
    private bool _refuseAsPipelined;

    public ClientChecks(SmtpSession session)
    {
        _session = session;
        _engine = session.Engine;
    }

    /// <summary>Records that the client broke <paramref name="rule"/>, unless it is off; true when the rule's mode is Reject.</summary>
    public bool Violate(SmtpRule rule, SmtpStage stage, string location, string? excerpt = null, string? detail = null)
    {
        if (!_engine.Checks.IsOn(rule))
        {
            return false;
        }

        _session.Recorder.NoteViolation(new SmtpViolation(rule, stage, location, excerpt, _session.Id, null, detail));
        return _engine.Checks.Rejects(rule);
    }

    /// <summary>Where a violation in a command is: <c>command MAIL</c>; the line itself, redacted, is the excerpt.</summary>
    public static string Where(in SmtpCommand command)
    {
        var space = command.Text.IndexOf(' ', StringComparison.Ordinal);
        return "command " + (space < 0 ? command.Text : command.Text[..space]).ToUpperInvariant();
    }

    /// <summary>The byte-level rules: from the unstuffer's single pass for DATA, from one scan of the chunks for BDAT.</summary>
    public List<SmtpViolation>? CheckContent(byte[] data, Transaction transaction)
    {
        var checks = _engine.Checks;
        if (!checks.IsOn(KnownRules.BareLineEnding) && !checks.IsOn(KnownRules.LineTooLong) && !checks.IsOn(KnownRules.EightBitUndeclared) && !checks.IsOn(KnownRules.SizeUnderdeclared))
        {
            return null;
        }

        var findings = transaction.IsChunking ? ContentChecks.Scan(data) : _session.Framer.Findings;
        return ContentChecks.Run(findings, data, transaction.MailParameters, checks, _session.Id);
    }

    /// <summary>
    /// When one of <paramref name="found"/> is of a rule in Reject mode: records them all, answers with that rule's
    /// reply and ends the transaction. Otherwise leaves them to be recorded with the message.
    /// </summary>
    public bool RefusedFor(IReadOnlyList<SmtpViolation>? found, string command)
    {
        var rejecting = found?.FirstOrDefault(v => _engine.Checks.Rejects(v.RuleInfo));
        if (rejecting is null)
        {
            return false;
        }

        foreach (var violation in found!)
        {
            _session.Recorder.NoteViolation(violation);
        }

        // A bare line ending in content keeps the reply it always had.
        var reply = rejecting.RuleInfo == KnownRules.BareLineEnding ? Replies.BareLineEndingInData : rejecting.RuleInfo.RejectReply!;
        _session.Reply(SmtpStage.EndOfMessage, command, reply, "Checks");
        _session.EndTransaction(SmtpAttemptOutcome.Refused);
        return true;
    }

    /// <summary>helo-syntax: the EHLO/HELO argument is a domain or an address literal (RFC 5321 §4.1.1.1).</summary>
    public bool RefusedForHeloName(SmtpCommand command, string name)
    {
        if (!_engine.Checks.IsOn(KnownRules.HeloSyntax) || HeloName.IsValid(name)
            || !Violate(KnownRules.HeloSyntax, command.Stage, Where(command), command.Text, $"\"{name}\" is neither a domain nor an address literal such as [192.0.2.1]."))
        {
            return false;
        }

        _session.Reply(command.Stage, command.Text, KnownRules.HeloSyntax.RejectReply!);
        return true;
    }

    /// <summary>esmtp-after-helo: after HELO no extension was offered, so MAIL and RCPT carry no parameters (RFC 5321 §2.2.1).</summary>
    public bool RefusedForParametersAfterHelo(SmtpCommand command, SmtpParameters parameters)
    {
        if (_session.Client.IsExtended || parameters.Count == 0
            || !Violate(KnownRules.EsmtpAfterHelo, command.Stage, Where(command), command.Text, $"{string.Join(" ", parameters.Keys)} sent in a session opened with HELO, where no extension was offered; open it with EHLO."))
        {
            return false;
        }

        _session.Reply(command.Stage, command.Text, KnownRules.EsmtpAfterHelo.RejectReply!);
        return true;
    }

    /// <summary>utf8-undeclared: the server refuses a non-ASCII address without SMTPUTF8 in any mode; the rule records why.</summary>
    public void NoteAddressProblem(SmtpCommand command, SmtpReply? problem, string address)
    {
        if (ReferenceEquals(problem, Replies.NonAsciiAddress))
        {
            Violate(KnownRules.Utf8Undeclared, command.Stage, Where(command), command.Text, $"The non-ASCII address {address} was sent without MAIL FROM:<…> SMTPUTF8.");
        }
    }

    /// <summary>binarymime-with-data: DATA in a BODY=BINARYMIME transaction, always refused (RFC 3030 §3); the rule records it.</summary>
    public void NoteDataWithBinaryMime(SmtpCommand command, Transaction transaction)
    {
        if (transaction.IsBinaryMime)
        {
            Violate(KnownRules.BinaryMimeWithData, command.Stage, Where(command), command.Text, "DATA sent after MAIL FROM:<…> BODY=BINARYMIME; binary content goes with BDAT.");
        }
    }

    /// <summary>cleartext-auth: PLAIN, LOGIN or XOAUTH2 without TLS, where the options allow it (RFC 4954 §4, RFC 8314 §3).</summary>
    public bool RefusedForCleartextAuth(SmtpCommand command, string mechanism)
    {
        if (_session.Client.IsSecure || !SaslMechanisms.IsClearText(mechanism)
            || !Violate(KnownRules.CleartextAuth, command.Stage, Where(command), command.Text, $"AUTH {mechanism} sends the secret readable, and the session is not encrypted; use STARTTLS or implicit TLS first."))
        {
            return false;
        }

        _session.Reply(command.Stage, command.Text, KnownRules.CleartextAuth.RejectReply!);
        return true;
    }

    /// <summary>retry-after-permanent-failure: the same sender and recipient again after a 5xx for them (RFC 5321 §4.2.1).</summary>
    public bool RefusedAsRetry(SmtpCommand command, string sender, string recipient)
    {
        if (!_engine.Checks.IsOn(KnownRules.RetryAfterPermanentFailure) || !_engine.PermanentFailures.TryGet(sender, recipient, out var earlier)
            || !Violate(KnownRules.RetryAfterPermanentFailure, command.Stage, Where(command), command.Text, $"<{sender}> to <{recipient}> was refused before with \"{earlier.Code} {earlier.EnhancedStatusCode} {earlier.Text}\", a permanent failure; it should not be retried as it was."))
        {
            return false;
        }

        // Reject mode answers the retry as the first try was answered: the failure is permanent.
        _session.Reply(command.Stage, command.Text, earlier);
        return true;
    }

    /// <summary>Remembers a permanent refusal of a recipient for <see cref="RefusedAsRetry"/>.</summary>
    public void NoteRecipientDecision(string sender, string recipient, PolicyDecision decision)
    {
        if (!decision.Accepts && _engine.Checks.IsOn(KnownRules.RetryAfterPermanentFailure))
        {
            _engine.PermanentFailures.Note(sender, recipient, decision.Verdict.ReplyToSend);
        }
    }

    /// <summary>no-quit: the client closed the connection while the session was still open (RFC 5321 §4.1.1.10).</summary>
    public void NoteClientLeft()
    {
        if (_session.State is not SessionState.Closed)
        {
            // Nothing is left to refuse: the client is gone, whatever the rule's mode.
            Violate(KnownRules.NoQuit, SmtpStage.Other, "connection", null, "The client closed the connection without sending QUIT.");
        }
    }

    /// <summary>
    /// For pipelining-not-offered: when more input followed <paramref name="line"/> in the same read, the client sent it
    /// before it could have seen the reply (the session flushes only before it reads again). Null when nothing followed.
    /// </summary>
    public (string What, bool EndsGroup)? SentBeforeReply(in CommandLine line, in ReadOnlySequence<byte> rest)
    {
        if (rest.IsEmpty || _session.InSaslExchange || line.Kind != LineKind.Command || !_engine.Checks.IsOn(KnownRules.PipeliningNotOffered))
        {
            return null;
        }

        var verb = SmtpCommand.Parse(line.Text).Verb;

        // RFC 2920 §3.1: EHLO, DATA, VRFY, EXPN, TURN, QUIT and NOOP can only be last in a group. AUTH and STARTTLS are
        // left out: a SASL exchange waits for its challenges anyway, and STARTTLS has a rule of its own.
        // BDAT is followed by its chunk, not by a command.
        return verb is SmtpVerb.Auth or SmtpVerb.StartTls or SmtpVerb.Bdat ? null
            : (verb.ToString().ToUpperInvariant(), verb is SmtpVerb.Ehlo or SmtpVerb.Helo or SmtpVerb.Data or SmtpVerb.Vrfy or SmtpVerb.Quit or SmtpVerb.Noop);
    }

    /// <summary>pipelining-not-offered (RFC 2920 §3.1): a command sent early without PIPELINING, or after a group-ending command.</summary>
    public void NotePipelining((string What, bool EndsGroup)? sent, in ReadOnlySequence<byte> rest)
    {
        if (sent is not { } after || rest.IsEmpty || _session.State == SessionState.Closed || _session.StartTlsPending)
        {
            return;
        }

        var offered = _session.Client.IsExtended && _session.Options.AdvertisePipelining;
        if (offered && !after.EndsGroup)
        {
            return;
        }

        var detail = !offered
            ? $"The client sent more before the reply to {after.What}, but PIPELINING was not offered: it must wait for each reply."
            : _session.Mode == SmtpSession.InputMode.Data
                ? "The client sent message content before the 354 reply to DATA, which ends a pipelined group."
                : $"The client sent more before the reply to {after.What}, which ends a pipelined group.";
        var next = rest.Slice(0, Math.Min(rest.Length, 100)).ToArray();
        var lf = Array.IndexOf(next, (byte)'\n');
        var excerpt = Encoding.UTF8.GetString(next, 0, lf < 0 ? next.Length : lf + 1);
        if (Violate(KnownRules.PipeliningNotOffered, SmtpStage.Other, "after " + after.What, excerpt, detail))
        {
            // Content cannot be refused before it is read; a command can, and is.
            _refuseAsPipelined = _session.Mode == SmtpSession.InputMode.Commands;
        }
    }

    public bool RefusedAsPipelined(SmtpCommand command)
    {
        if (!_refuseAsPipelined)
        {
            return false;
        }

        _refuseAsPipelined = false;
        _session.Reply(command.Stage, command.Text, KnownRules.PipeliningNotOffered.RejectReply!);
        return true;
    }
}
