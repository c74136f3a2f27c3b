using System.Globalization;
using Microsoft.Extensions.Logging;
using SmtpFixture.Checks;
using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>The commands of RFC 5321 §4.1.1 and the ESMTP extensions, and the transaction they build.</summary>
internal sealed partial class SmtpSession
{
    private string _bdatCommand = string.Empty;
    private SmtpReply? _bdatDiscardReply;
    private bool _bdatCloseAfter;
    private string? _bdatDiscardBy;

    private async ValueTask HandleLineAsync(Line line, CancellationToken cancellationToken)
    {
        if (_sasl is not null)
        {
            // An AUTH exchange is under way: the line is a SASL response, not a command (RFC 4954 §4).
            await ContinueAuthAsync(line, cancellationToken).ConfigureAwait(false);
            return;
        }

        await AnswerLineAsync(line, cancellationToken).ConfigureAwait(false);

        // Counted after every kind of refusal, over-long and bare-line-ending lines included, so that a client
        // sending nothing but junk is cut off too.
        if (_options.MaxBadCommands > 0 && _badCommands >= _options.MaxBadCommands && !_close)
        {
            Write(Replies.TooManyErrors);
            _close = true;
        }
    }

    private async ValueTask AnswerLineAsync(Line line, CancellationToken cancellationToken)
    {
        if (line.Kind == LineKind.TooLong)
        {
            Reply(SmtpStage.Other, "<line too long>", Replies.LineTooLong);
            return;
        }

        var text = line.Text;
        var command = Redact(text);
        if (_log.IsEnabled(LogLevel.Debug))
        {
            Log.ClientLine(_log, _id, command);
        }

        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var verb = (space < 0 ? text : text[..space]).ToUpperInvariant();
        var args = space < 0 ? string.Empty : text[(space + 1)..].Trim(' ');

        if (line.BareLineEnding && Violate(KnownRules.BareLineEnding, StageOf(verb), "command " + verb, command, "A command line ends with a bare CR or LF; SMTP lines end with CRLF."))
        {
            Reply(StageOf(verb), command, Replies.BareLineEnding);
            return;
        }

        if (line.HasNul)
        {
            Reply(StageOf(verb), command, Replies.NulInCommand);
        }
        else if (_refusedAtConnect && verb != "QUIT")
        {
            // RFC 5321 §3.1: after a 554 greeting the server answers every command but QUIT with 503.
            Reply(StageOf(verb), command, Replies.NoServiceHere);
        }
        else
        {
            await DispatchAsync(verb, args, command, cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask DispatchAsync(string verb, string args, string command, CancellationToken cancellationToken)
    {
        switch (verb)
        {
            case "EHLO":
            case "HELO":
                return HeloAsync(verb == "EHLO", args, command, cancellationToken);
            case "MAIL":
                return MailAsync(args, command, cancellationToken);
            case "RCPT":
                return RcptAsync(args, command, cancellationToken);
            case "DATA":
                return DataAsync(args, command, cancellationToken);
            case "BDAT":
                return BdatAsync(args, command, cancellationToken);
            case "RSET":
                EndTransaction(SmtpAttemptOutcome.Aborted);
                Reply(SmtpStage.Other, command, Replies.Ok);
                break;
            case "NOOP":
                Reply(SmtpStage.Other, command, Replies.Ok);
                break;
            case "QUIT":
                Reply(SmtpStage.Other, command, Replies.Closing(_options.ServerName));
                _close = true;
                break;
            case "VRFY":
                Reply(SmtpStage.Other, command, args.Length == 0 ? Replies.VrfySyntax : Replies.Vrfy);
                break;
            case "HELP":
                Reply(SmtpStage.Other, command, _engine.GetHelpReply(IsSecure, _authUser is not null));
                break;
            case "STARTTLS":
                StartTls(args, command);
                break;
            case "AUTH":
                return AuthAsync(args, command, cancellationToken);
            case "EXPN" or "TURN" or "ETRN" or "ATRN" or "SEND" or "SOML" or "SAML":
                Reply(SmtpStage.Other, command, Replies.NotImplemented);
                break;
            default:
                Reply(SmtpStage.Other, command, Replies.Unrecognized);
                break;
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask HeloAsync(bool extended, string args, string command, CancellationToken cancellationToken)
    {
        var stage = SmtpStage.Helo;
        var name = args.Split(' ', 2)[0];
        if (name.Length == 0)
        {
            Reply(stage, command, extended ? Replies.EhloSyntax : Replies.HeloSyntax);
            return;
        }

        if (name.AsSpan().ContainsAnyInRange((char)0, (char)31) || (!_options.AdvertiseSmtpUtf8 && !IsAscii(name)))
        {
            Reply(stage, command, Replies.NonAsciiCommand);
            return;
        }

        // RFC 5321 §4.1.4: EHLO in the middle of a session resets it as RSET does.
        EndTransaction(SmtpAttemptOutcome.Aborted);
        var (verdict, by) = await ConsultAsync(stage, command, name, SmtpParameters.Empty, default, cancellationToken).ConfigureAwait(false);
        if (verdict.Kind == SmtpVerdictKind.Continue || verdict.Reply?.IsPositive == true)
        {
            _clientName = name;
            _extended = extended;
            _info = null;
        }

        if (verdict.Kind == SmtpVerdictKind.Continue)
        {
            Reply(stage, command, extended ? _engine.GetEhloReply(IsSecure, _authUser is not null) : new SmtpReply(250, null, _options.ServerName));
            return;
        }

        await ApplyAsync(stage, command, verdict, by, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask MailAsync(string args, string command, CancellationToken cancellationToken)
    {
        var stage = SmtpStage.MailFrom;
        if (_clientName is null)
        {
            Reply(stage, command, Replies.HeloFirst);
            return;
        }

        if (CheckSecurityRequirements() is { } unmet)
        {
            Reply(stage, command, unmet);
            return;
        }

        if (_mailFrom is not null)
        {
            Reply(stage, command, Replies.NestedMail);
            return;
        }

        if (!PathParser.TryParse(args, "FROM:", out var address, out var parameterText))
        {
            Reply(stage, command, Replies.MailSyntax);
            return;
        }

        if (!PathParser.TryParseParameters(parameterText, _options.AdvertiseSmtpUtf8, out var parameters))
        {
            Reply(stage, command, Replies.ParameterSyntax);
            return;
        }

        var problem = CheckMailParameters(parameters) ?? CheckAddress(address, parameters.ContainsKey("SMTPUTF8"), Replies.BadSenderAddress, allowEmpty: true);
        if (problem is not null)
        {
            Reply(stage, command, problem);
            return;
        }

        _transactionNumber = _engine.NextTransactionNumber();
        _attempt = NewAttempt();
        _attempt.MailFrom = address;
        var (verdict, by) = await ConsultAsync(stage, command, address, parameters, default, cancellationToken).ConfigureAwait(false);
        if (verdict.Kind == SmtpVerdictKind.Continue || verdict.Reply?.IsPositive == true)
        {
            _mailFrom = address;
            _mailParameters = parameters;
        }

        if (verdict.Kind == SmtpVerdictKind.Continue)
        {
            Reply(stage, command, Replies.SenderOk);
            return;
        }

        await ApplyAsync(stage, command, verdict, by, cancellationToken).ConfigureAwait(false);
        if (_mailFrom is null)
        {
            EndTransaction(SmtpAttemptOutcome.Refused);
        }
    }

    private async ValueTask RcptAsync(string args, string command, CancellationToken cancellationToken)
    {
        var stage = SmtpStage.RcptTo;
        if (_mailFrom is null)
        {
            Reply(stage, command, _clientName is null ? Replies.HeloFirst : Replies.NeedMail);
            return;
        }

        if (!PathParser.TryParse(args, "TO:", out var address, out var parameterText))
        {
            Reply(stage, command, Replies.RcptSyntax);
            return;
        }

        if (!PathParser.TryParseParameters(parameterText, _options.AdvertiseSmtpUtf8, out var parameters))
        {
            Reply(stage, command, Replies.ParameterSyntax);
            return;
        }

        var problem = CheckRcptParameters(parameters) ?? CheckAddress(address, _mailParameters.ContainsKey("SMTPUTF8"), Replies.BadRecipientAddress, allowEmpty: false);
        if (problem is not null)
        {
            Reply(stage, command, problem);
            return;
        }

        if (_recipients.Count >= _options.MaxRecipients)
        {
            Reply(stage, command, Replies.TooManyRecipients);
            return;
        }

        var (verdict, by) = await ConsultAsync(stage, command, address, parameters, default, cancellationToken).ConfigureAwait(false);
        if (verdict.Kind == SmtpVerdictKind.Continue || verdict.Reply?.IsPositive == true)
        {
            _recipients.Add(new SmtpRecipient(address, parameters));
        }

        if (verdict.Kind == SmtpVerdictKind.Continue)
        {
            Reply(stage, command, Replies.RecipientOk);
            return;
        }

        await ApplyAsync(stage, command, verdict, by, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask DataAsync(string args, string command, CancellationToken cancellationToken)
    {
        var stage = SmtpStage.Data;
        var problem =
            _mailFrom is null ? (_clientName is null ? Replies.HeloFirst : Replies.NeedMail)
            : args.Length > 0 ? Replies.DataSyntax
            : _bdatStarted ? Replies.DataAfterBdat
            : string.Equals(_mailParameters.GetValueOrDefault("BODY"), "BINARYMIME", StringComparison.OrdinalIgnoreCase) ? Replies.BinaryMimeNeedsBdat
            : _recipients.Count == 0 ? Replies.NoValidRecipients
            : null;
        if (problem is not null)
        {
            Reply(stage, command, problem);
            return;
        }

        var (verdict, by) = await ConsultAsync(stage, command, null, SmtpParameters.Empty, default, cancellationToken).ConfigureAwait(false);
        if (verdict.Kind != SmtpVerdictKind.Continue && verdict.Reply?.Code != 354)
        {
            await ApplyAsync(stage, command, verdict, by, cancellationToken).ConfigureAwait(false);
            return;
        }

        Reply(stage, command, verdict.Reply ?? Replies.StartMailInput, by);
        StartContent();
        _unstuffer.Reset();
        _mode = InputMode.Data;
    }

    private async ValueTask EndDataAsync(CancellationToken cancellationToken)
    {
        _mode = InputMode.Commands;
        if (_log.IsEnabled(LogLevel.Debug))
        {
            Log.ClientContent(_log, _id, _content.Length);
        }

        await CompleteMessageAsync("<end of data>", cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask BdatAsync(string args, string command, CancellationToken cancellationToken)
    {
        var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || (parts.Length == 2 && !parts[1].Equals("LAST", StringComparison.OrdinalIgnoreCase)))
        {
            // Without a valid size the chunk cannot be skipped; what follows is read as commands.
            Reply(SmtpStage.Data, command, Replies.BdatSyntax);
            return;
        }

        _bdatCommand = command;
        _bdatRemaining = size;
        _bdatLast = parts.Length == 2;
        _bdatDiscardReply = !_options.AdvertiseChunking ? Replies.NotImplemented
            : _mailFrom is null ? (_clientName is null ? Replies.HeloFirst : Replies.NeedMail)
            : _recipients.Count == 0 ? Replies.NoValidRecipients
            : null;
        _bdatDiscardBy = null;

        if (_bdatDiscardReply is null && !_bdatStarted)
        {
            var (verdict, by) = await ConsultAsync(SmtpStage.Data, command, null, SmtpParameters.Empty, default, cancellationToken).ConfigureAwait(false);
            if (verdict.Kind == SmtpVerdictKind.Drop)
            {
                await ApplyAsync(SmtpStage.Data, command, verdict, by, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (verdict.Reply is { IsPositive: false })
            {
                // The chunk is on its way regardless (RFC 3030 §2): read it, then refuse it.
                _bdatDiscardReply = verdict.Reply;
                _bdatDiscardBy = by;
                _bdatCloseAfter = verdict.CloseAfterReply;
            }
            else
            {
                _bdatStarted = true;
                StartContent();
            }
        }

        if (_bdatDiscardReply is not null)
        {
            // A refused chunk is still read to its end (RFC 3030 §2), under a data time limit of its own: the
            // deadline of an earlier message (or none) would cut the session off at once.
            _dataDeadline = _engine.Time.GetUtcNow() + _options.DataTimeout;
        }

        _mode = InputMode.Bdat;
        if (size == 0)
        {
            await EndChunkAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask EndChunkAsync(CancellationToken cancellationToken)
    {
        _mode = InputMode.Commands;
        if (_bdatDiscardReply is not null)
        {
            Reply(SmtpStage.Data, _bdatCommand, _bdatDiscardReply, _bdatDiscardBy);
            _close |= _bdatCloseAfter;
            _bdatDiscardReply = null;
            _bdatCloseAfter = false;
            return;
        }

        if (_content.Overflowed)
        {
            // RFC 3030 §3: the server may refuse a chunk as soon as the size is exceeded; the transaction is over.
            Reply(SmtpStage.EndOfMessage, _bdatCommand, Replies.MessageTooLarge);
            EndTransaction(SmtpAttemptOutcome.Refused);
            return;
        }

        if (_bdatLast)
        {
            if (_log.IsEnabled(LogLevel.Debug))
            {
                Log.ClientContent(_log, _id, _content.Length);
            }

            await CompleteMessageAsync(_bdatCommand, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Reply(SmtpStage.Data, _bdatCommand, Replies.ChunkReceived(_content.Length));
        }
    }

    /// <summary>The end of a message (DATA's final dot or BDAT LAST): size check, policies, capture, final reply.</summary>
    private async ValueTask CompleteMessageAsync(string command, CancellationToken cancellationToken)
    {
        var stage = SmtpStage.EndOfMessage;
        if (_content.Overflowed)
        {
            Reply(stage, command, Replies.MessageTooLarge);
            EndTransaction(SmtpAttemptOutcome.Refused);
            return;
        }

        var data = _content.ToArray();
        var envelope = new SmtpEnvelope(_mailFrom!, _mailParameters, _recipients.ToArray());
        var content = CheckContent(data);
        if (RefusedFor(content, command))
        {
            return;
        }

        // Message-layer rules run here only when one may refuse the message; otherwise on first access, after the 250.
        IReadOnlyList<SmtpViolation>? checkedMessage = null;
        MimeKit.MimeMessage? parsed = null;
        if (_engine.Checks.AnyMessageRuleRejects)
        {
            checkedMessage = MessageChecks.Run(data, envelope, _engine.Checks, _id, null, () => parsed ??= TryParseMime(data));
            if (RefusedFor(checkedMessage, command))
            {
                return;
            }
        }

        var (verdict, by) = await ConsultAsync(stage, command, null, SmtpParameters.Empty, data, cancellationToken).ConfigureAwait(false);
        if (verdict.Kind is SmtpVerdictKind.Drop || verdict.Reply is { IsPositive: false })
        {
            content?.ForEach(Record);
            await ApplyAsync(stage, command, verdict, by, cancellationToken).ConfigureAwait(false);
            EndTransaction(SmtpAttemptOutcome.Refused);
            return;
        }

        // Stored before the reply is written: nothing answered 250 can be lost.
        var id = SmtpEngine.NewMessageId();
        var reply = verdict.Reply ?? Replies.Queued(id);
        var attempt = _attempt!;
        content?.ForEach(v => Record(v.ForMessage(id)));
        var message = new ReceivedMessage(id, envelope, data, Info, _engine.Time.GetUtcNow(), attempt, _engine.Checks, checkedMessage?.Select(v => v.ForMessage(id)).ToArray(), parsed);
        Record(stage, command, reply, by);
        attempt.Complete(SmtpAttemptOutcome.Accepted, message);
        _engine.Store.Add(message);
        Log.MessageAccepted(_log, _id, id, envelope, data.Length);
        Write(reply);

        // A delivered message is progress, as any positive reply is (see Reply): the bad-command count restarts.
        _badCommands = 0;
        _close |= verdict.CloseAfterReply;
        EndTransaction(SmtpAttemptOutcome.Accepted);
    }

    /// <summary>The byte-level rules: from the unstuffer's single pass for DATA, from one scan of the chunks for BDAT.</summary>
    private List<SmtpViolation>? CheckContent(byte[] data)
    {
        var checks = _engine.Checks;
        if (!checks.IsOn(KnownRules.BareLineEnding) && !checks.IsOn(KnownRules.LineTooLong) && !checks.IsOn(KnownRules.EightBitUndeclared) && !checks.IsOn(KnownRules.SizeUnderdeclared))
        {
            return null;
        }

        var findings = _bdatStarted ? ContentChecks.Scan(data) : _unstuffer.Findings;
        return ContentChecks.Run(findings, data, _mailParameters, checks, _id);
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
            Record(violation);
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

    private void StartContent()
    {
        _content.Start(_options.MaxMessageSize);
        _dataDeadline = _engine.Time.GetUtcNow() + _options.DataTimeout;
    }

    private SmtpReply? CheckMailParameters(SmtpParameters parameters)
    {
        foreach (var (key, value) in parameters)
        {
            switch (key.ToUpperInvariant())
            {
                case "SIZE" when _options.AdvertiseSize:
                    if (value is null || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                    {
                        return Replies.ParameterSyntax;
                    }

                    if (_options.MaxMessageSize > 0 && size > _options.MaxMessageSize)
                    {
                        return Replies.MessageTooLarge;
                    }

                    break;
                case "BODY":
                    var body = value?.ToUpperInvariant();
                    var supported = body switch
                    {
                        "7BIT" => true,
                        "8BITMIME" => _options.Advertise8BitMime,
                        "BINARYMIME" => _options.AdvertiseChunking && _options.AdvertiseBinaryMime,
                        _ => (bool?)null,
                    };
                    if (supported is null)
                    {
                        return Replies.ParameterSyntax;
                    }

                    if (supported == false)
                    {
                        return Replies.UnsupportedParameter;
                    }

                    break;
                case "SMTPUTF8" when _options.AdvertiseSmtpUtf8:
                    if (value is not null)
                    {
                        return Replies.ParameterSyntax;
                    }

                    break;
                case "RET" when _options.AdvertiseDsn:
                    if (!string.Equals(value, "FULL", StringComparison.OrdinalIgnoreCase) && !string.Equals(value, "HDRS", StringComparison.OrdinalIgnoreCase))
                    {
                        return Replies.ParameterSyntax;
                    }

                    break;
                case "ENVID" when _options.AdvertiseDsn:
                case "AUTH":
                    // RFC 4954 §5: AUTH=<mailbox> is accepted and recorded.
                    if (value is null)
                    {
                        return Replies.ParameterSyntax;
                    }

                    break;
                default:
                    return Replies.UnsupportedParameter;
            }
        }

        return null;
    }

    private SmtpReply? CheckRcptParameters(SmtpParameters parameters)
    {
        foreach (var (key, value) in parameters)
        {
            switch (key.ToUpperInvariant())
            {
                case "NOTIFY" when _options.AdvertiseDsn:
                    var items = (value ?? string.Empty).ToUpperInvariant().Split(',');
                    var valid = items is ["NEVER"] || (items.Length > 0 && items.All(i => i is "SUCCESS" or "FAILURE" or "DELAY") && items.Distinct().Count() == items.Length);
                    if (!valid)
                    {
                        return Replies.ParameterSyntax;
                    }

                    break;
                case "ORCPT" when _options.AdvertiseDsn:
                    if (value is null || value.IndexOf(';', StringComparison.Ordinal) <= 0)
                    {
                        return Replies.ParameterSyntax;
                    }

                    break;
                default:
                    return Replies.UnsupportedParameter;
            }
        }

        return null;
    }

    /// <summary>The checks every server makes; the strict RFC 5321 mailbox grammar is the address syntax policy's.</summary>
    private static SmtpReply? CheckAddress(string address, bool smtpUtf8, SmtpReply badSyntax, bool allowEmpty)
    {
        if (address.Length == 0)
        {
            return allowEmpty ? null : badSyntax;
        }

        if (address.AsSpan().IndexOfAny(NonAsciiOrControl) >= 0 || address.Contains(' ', StringComparison.Ordinal) && !address.Contains('"', StringComparison.Ordinal))
        {
            return badSyntax;
        }

        return !smtpUtf8 && !IsAscii(address) ? Replies.NonAsciiAddress : null;
    }

    private static bool IsAscii(string text) => System.Text.Ascii.IsValid(text);

    private static SmtpStage StageOf(string verb) => verb switch
    {
        "EHLO" or "HELO" => SmtpStage.Helo,
        "MAIL" => SmtpStage.MailFrom,
        "RCPT" => SmtpStage.RcptTo,
        "DATA" or "BDAT" => SmtpStage.Data,
        "AUTH" => SmtpStage.Auth,
        "STARTTLS" => SmtpStage.StartTls,
        _ => SmtpStage.Other,
    };

    /// <summary>AUTH secrets never reach logs or attempts (RFC 4954 §4 initial responses carry credentials).</summary>
    private static string Redact(string line)
    {
        if (line.Length > 5 && line.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase))
        {
            var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            return parts.Length > 2 ? parts[0] + " " + parts[1] + " ***" : line;
        }

        return line;
    }
}
