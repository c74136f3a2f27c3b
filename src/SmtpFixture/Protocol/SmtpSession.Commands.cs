using Microsoft.Extensions.Logging;
using SmtpFixture.Checks;
using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>The commands of RFC 5321 §4.1.1 and the ESMTP extensions, and the transaction they build.</summary>
internal sealed partial class SmtpSession
{
    private async ValueTask HandleLineAsync(CommandLine line, CancellationToken cancellationToken)
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
        if (_options.MaxBadCommands > 0 && _badCommands >= _options.MaxBadCommands && _state != SessionState.Closed)
        {
            Write(Replies.TooManyErrors);
            _state = SessionState.Closed;
        }
    }

    private async ValueTask AnswerLineAsync(CommandLine line, CancellationToken cancellationToken)
    {
        if (line.Kind == LineKind.TooLong)
        {
            Reply(SmtpStage.Other, "<line too long>", Replies.LineTooLong);
            return;
        }

        var command = SmtpCommand.Parse(line.Text);
        if (_log.IsEnabled(LogLevel.Debug))
        {
            Log.ClientLine(_log, _id, command.Text);
        }

        if (line.BareLineEnding && Violate(KnownRules.BareLineEnding, command.Stage, Where(command), command.Text, "A command line ends with a bare CR or LF; SMTP lines end with CRLF."))
        {
            Reply(command.Stage, command.Text, Replies.BareLineEnding);
            return;
        }

        if (RefusedAsPipelined(command))
        {
            return;
        }

        if (line.HasNul)
        {
            Reply(command.Stage, command.Text, Replies.NulInCommand);
            return;
        }

        // RFC 6531 §3.3: only valid UTF-8. MAIL and RCPT say whether the address or a parameter was at fault.
        if (!line.Utf8 && command.Verb is not (SmtpVerb.Mail or SmtpVerb.Rcpt or SmtpVerb.Unknown or SmtpVerb.NotImplemented))
        {
            Reply(command.Stage, command.Text, Replies.InvalidUtf8);
            return;
        }

        // BDAT judges its own size first: a refused chunk must still be read (RFC 3030 §2).
        var problem = command.Verb == SmtpVerb.Bdat && _state != SessionState.Refused ? null : SequenceProblem(command.Verb) ?? command.ArgumentProblem;
        if (problem is not null)
        {
            Reply(command.Stage, command.Text, problem);
            return;
        }

        await HandleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Why <paramref name="verb"/> cannot be served now: the service was refused at connect (RFC 5321 §3.1), the
    /// extension it belongs to is not offered (502), or the session state does not allow it (503, <see cref="SessionRules"/>).
    /// </summary>
    private SmtpReply? SequenceProblem(SmtpVerb verb) =>
        _state == SessionState.Refused && verb != SmtpVerb.Quit ? Replies.NoServiceHere
        : !EsmtpExtensions.Offers(_options, verb) ? Replies.NotImplemented
        : SessionRules.Refusal(_state, verb);

    /// <summary>The one place where a command is about to be handled: its sequence and argument-count checks have passed.</summary>
    private ValueTask HandleAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        switch (command.Verb)
        {
            case SmtpVerb.Ehlo:
            case SmtpVerb.Helo:
                return HeloAsync(command, cancellationToken);
            case SmtpVerb.Mail:
                return MailAsync(command, cancellationToken);
            case SmtpVerb.Rcpt:
                return RcptAsync(command, cancellationToken);
            case SmtpVerb.Data:
                return DataAsync(command, cancellationToken);
            case SmtpVerb.Bdat:
                return BdatAsync(command, cancellationToken);
            case SmtpVerb.Auth:
                return AuthAsync(command, cancellationToken);
            case SmtpVerb.StartTls:
                StartTls(command);
                break;
            case SmtpVerb.Rset:
                EndTransaction(SmtpAttemptOutcome.Aborted);
                Reply(command.Stage, command.Text, Replies.Ok);
                break;
            case SmtpVerb.Noop:
                Reply(command.Stage, command.Text, Replies.Ok);
                break;
            case SmtpVerb.Quit:
                Reply(command.Stage, command.Text, Replies.Closing(_options.ServerName));
                _state = SessionState.Closed;
                break;
            case SmtpVerb.Vrfy:
                Reply(command.Stage, command.Text, command.Arguments.Length == 0 ? Replies.VrfySyntax : Replies.Vrfy);
                break;
            case SmtpVerb.Help:
                Reply(command.Stage, command.Text, _engine.GetHelpReply(IsSecure, _authUser is not null));
                break;
            case SmtpVerb.NotImplemented:
                Reply(command.Stage, command.Text, Replies.NotImplemented);
                break;
            default:
                Reply(command.Stage, command.Text, Replies.Unrecognized);
                break;
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask HeloAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        var stage = command.Stage;
        var extended = command.Verb == SmtpVerb.Ehlo;
        var name = command.Arguments.Split(' ', 2)[0];
        if (name.Length == 0)
        {
            Reply(stage, command.Text, extended ? Replies.EhloSyntax : Replies.HeloSyntax);
            return;
        }

        if (name.AsSpan().ContainsAnyInRange((char)0, (char)31) || (!_options.AdvertiseSmtpUtf8 && !IsAscii(name)))
        {
            Reply(stage, command.Text, Replies.NonAsciiCommand);
            return;
        }

        if (RefusedForHeloName(command, name))
        {
            return;
        }

        // RFC 5321 §4.1.4: EHLO in the middle of a session resets it as RSET does.
        EndTransaction(SmtpAttemptOutcome.Aborted);
        var decision = await ConsultAsync(stage, command.Text, name, SmtpParameters.Empty, default, cancellationToken).ConfigureAwait(false);
        if (decision.Accepts)
        {
            _clientName = name;
            _extended = extended;
            _info = null;
            _state = SessionState.Greeted;
        }

        var reply = extended ? _engine.GetEhloReply(IsSecure, _authUser is not null) : new SmtpReply(250, null, _options.ServerName);
        await ApplyAsync(stage, command.Text, decision, reply, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask MailAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        var stage = command.Stage;
        if (_engine.Gates.Length > 0)
        {
            // TLS or authentication required by the options: decided before the command is even parsed.
            var gate = await ConsultAsync(stage, command.Text, null, SmtpParameters.Empty, default, cancellationToken, _engine.Gates).ConfigureAwait(false);
            if (!gate.IsDefault)
            {
                await ApplyAsync(stage, command.Text, gate, Replies.SenderOk, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        if (!PathParser.TryParse(command.Arguments, "FROM:", out var address, out var parameterText))
        {
            Reply(stage, command.Text, Replies.MailSyntax);
            return;
        }

        if (!PathParser.TryParseParameters(parameterText, _options.AdvertiseSmtpUtf8, out var parameters))
        {
            Reply(stage, command.Text, Replies.ParameterSyntax);
            return;
        }

        if (RefusedForParametersAfterHelo(command, parameters))
        {
            return;
        }

        var problem = EsmtpExtensions.Check(parameters, rcpt: false, _engine.Scope(IsSecure, _authUser is not null)) ?? CheckAddress(address, parameters.ContainsKey("SMTPUTF8"), Replies.BadSenderAddress, allowEmpty: true);
        NoteAddressProblem(command, problem, address);
        if (problem is not null)
        {
            Reply(stage, command.Text, problem);
            return;
        }

        _transactionNumber = _engine.NextTransactionNumber();
        var attempt = _recorder.Begin(Info);
        attempt.MailFrom = address;
        var decision = await ConsultAsync(stage, command.Text, address, parameters, default, cancellationToken).ConfigureAwait(false);
        if (decision.Accepts)
        {
            _transaction = new Transaction(_transactionNumber, address, parameters, attempt);
            _state = SessionState.MailGiven;
        }

        await ApplyAsync(stage, command.Text, decision, Replies.SenderOk, cancellationToken).ConfigureAwait(false);
        if (_transaction is null)
        {
            EndTransaction(SmtpAttemptOutcome.Refused);
        }
    }

    private async ValueTask RcptAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        var stage = command.Stage;
        var transaction = _transaction!;
        if (!PathParser.TryParse(command.Arguments, "TO:", out var address, out var parameterText))
        {
            Reply(stage, command.Text, Replies.RcptSyntax);
            return;
        }

        if (!PathParser.TryParseParameters(parameterText, _options.AdvertiseSmtpUtf8, out var parameters))
        {
            Reply(stage, command.Text, Replies.ParameterSyntax);
            return;
        }

        if (RefusedForParametersAfterHelo(command, parameters))
        {
            return;
        }

        var problem = EsmtpExtensions.Check(parameters, rcpt: true, _engine.Scope(IsSecure, _authUser is not null)) ?? CheckAddress(address, transaction.MailParameters.ContainsKey("SMTPUTF8"), Replies.BadRecipientAddress, allowEmpty: false);
        NoteAddressProblem(command, problem, address);
        if (problem is not null)
        {
            Reply(stage, command.Text, problem);
            return;
        }

        if (RefusedAsRetry(command, transaction.MailFrom, address))
        {
            return;
        }

        var decision = await ConsultAsync(stage, command.Text, address, parameters, default, cancellationToken).ConfigureAwait(false);
        NoteRecipientDecision(transaction.MailFrom, address, decision);
        if (decision.Accepts)
        {
            transaction.AddRecipient(new SmtpRecipient(address, parameters));
            _state = transaction.State;
        }

        await ApplyAsync(stage, command.Text, decision, Replies.RecipientOk, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The checks every server makes; the strict RFC 5321 mailbox grammar is the address syntax policy's.</summary>
    private static SmtpReply? CheckAddress(string address, bool smtpUtf8, SmtpReply badSyntax, bool allowEmpty)
    {
        if (address.Length == 0)
        {
            return allowEmpty ? null : badSyntax;
        }

        if (!StrictUtf8.IsValid(address))
        {
            // Not a mailbox at all (RFC 6531 §3.3 builds addresses from valid UTF-8 only): a syntax error, not a
            // missing SMTPUTF8 (553 5.6.7), whatever the client declared.
            return badSyntax;
        }

        if (address.AsSpan().ContainsAnyInRange((char)0, (char)31) || address.Contains((char)127, StringComparison.Ordinal) || address.Contains(' ', StringComparison.Ordinal) && !address.Contains('"', StringComparison.Ordinal))
        {
            return badSyntax;
        }

        return !smtpUtf8 && !IsAscii(address) ? Replies.NonAsciiAddress : null;
    }

    private static bool IsAscii(string text) => System.Text.Ascii.IsValid(text);
}
