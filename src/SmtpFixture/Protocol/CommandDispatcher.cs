using Microsoft.Extensions.Logging;
using SmtpFixture.Checks;

namespace SmtpFixture.Protocol;

/// <summary>
/// A command line passes the checks every command gets (length, line ending, NUL, UTF-8, sequence, arguments), then
/// goes to the handler of its verb; the verbs without a job of their own (RSET, NOOP, QUIT, VRFY, HELP) are answered here.
/// </summary>
internal sealed class CommandDispatcher
{
    private readonly SmtpSession _session;
    private readonly SmtpEngine _engine;
    private readonly SmtpTestServerOptions _options;
    private readonly ILogger _log;
    private readonly GreetingHandler _greeting;
    private readonly EnvelopeHandler _envelope;
    private readonly ContentHandler _content;
    private readonly SecurityHandler _security;
    private readonly ClientChecks _checks;

    public CommandDispatcher(SmtpSession session, GreetingHandler greeting, EnvelopeHandler envelope, ContentHandler content, SecurityHandler security)
    {
        _session = session;
        _engine = session.Engine;
        _options = session.Options;
        _log = session.Logger;
        _greeting = greeting;
        _envelope = envelope;
        _content = content;
        _security = security;
        _checks = session.Checks;
    }

    public async ValueTask HandleLineAsync(CommandLine line, CancellationToken cancellationToken)
    {
        if (_security.InExchange)
        {
            // An AUTH exchange is under way: the line is a SASL response, not a command (RFC 4954 §4).
            await _security.ContinueAuthAsync(line, cancellationToken).ConfigureAwait(false);
            return;
        }

        await AnswerLineAsync(line, cancellationToken).ConfigureAwait(false);

        // Counted after every kind of refusal, over-long and bare-line-ending lines included, so that a client
        // sending nothing but junk is cut off too.
        if (_options.MaxBadCommands > 0 && _session.BadCommands >= _options.MaxBadCommands && _session.State != SessionState.Closed)
        {
            _session.Write(Replies.TooManyErrors);
            _session.State = SessionState.Closed;
        }
    }

    private async ValueTask AnswerLineAsync(CommandLine line, CancellationToken cancellationToken)
    {
        if (line.Kind == LineKind.TooLong)
        {
            _session.Reply(SmtpStage.Other, "<line too long>", Replies.LineTooLong);
            return;
        }

        var command = SmtpCommand.Parse(line.Text);
        if (_log.IsEnabled(LogLevel.Debug))
        {
            Log.ClientLine(_log, _session.Id, command.Text);
        }

        if (line.BareLineEnding && _checks.Violate(KnownRules.BareLineEnding, command.Stage, ClientChecks.Where(command), command.Text, "A command line ends with a bare CR or LF; SMTP lines end with CRLF."))
        {
            _session.Reply(command.Stage, command.Text, Replies.BareLineEnding);
            return;
        }

        if (_checks.RefusedAsPipelined(command))
        {
            return;
        }

        if (line.HasNul)
        {
            _session.Reply(command.Stage, command.Text, Replies.NulInCommand);
            return;
        }

        // RFC 6531 §3.3: only valid UTF-8. MAIL and RCPT say whether the address or a parameter was at fault.
        if (!line.Utf8 && command.Verb is not (SmtpVerb.Mail or SmtpVerb.Rcpt or SmtpVerb.Unknown or SmtpVerb.NotImplemented))
        {
            _session.Reply(command.Stage, command.Text, Replies.InvalidUtf8);
            return;
        }

        // BDAT judges its own size first: a refused chunk must still be read (RFC 3030 §2).
        var problem = command.Verb == SmtpVerb.Bdat && _session.State != SessionState.Refused ? null : SequenceProblem(_session.State, _options, command.Verb) ?? command.ArgumentProblem;
        if (problem is not null)
        {
            _session.Reply(command.Stage, command.Text, problem);
            return;
        }

        await HandleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Why <paramref name="verb"/> cannot be served now: the service was refused at connect (RFC 5321 §3.1), the
    /// extension it belongs to is not offered (502), or the session state does not allow it (503, <see cref="SessionRules"/>).
    /// </summary>
    public static SmtpReply? SequenceProblem(SessionState state, SmtpTestServerOptions options, SmtpVerb verb) =>
        state == SessionState.Refused && verb != SmtpVerb.Quit ? Replies.NoServiceHere
        : !EsmtpExtensions.Offers(options, verb) ? Replies.NotImplemented
        : SessionRules.Refusal(state, verb);

    /// <summary>The one place where a command is about to be handled: its sequence and argument-count checks have passed.</summary>
    private ValueTask HandleAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        switch (command.Verb)
        {
            case SmtpVerb.Ehlo:
            case SmtpVerb.Helo:
                return _greeting.HeloAsync(command, cancellationToken);
            case SmtpVerb.Mail:
                return _envelope.MailAsync(command, cancellationToken);
            case SmtpVerb.Rcpt:
                return _envelope.RcptAsync(command, cancellationToken);
            case SmtpVerb.Data:
                return _content.DataAsync(command, cancellationToken);
            case SmtpVerb.Bdat:
                return _content.BdatAsync(command, cancellationToken);
            case SmtpVerb.Auth:
                return _security.AuthAsync(command, cancellationToken);
            case SmtpVerb.StartTls:
                _security.StartTls(command);
                break;
            case SmtpVerb.Rset:
                _session.EndTransaction(SmtpAttemptOutcome.Aborted);
                _session.Reply(command.Stage, command.Text, Replies.Ok);
                break;
            case SmtpVerb.Noop:
                _session.Reply(command.Stage, command.Text, Replies.Ok);
                break;
            case SmtpVerb.Quit:
                _session.Reply(command.Stage, command.Text, Replies.Closing(_options.ServerName));
                _session.State = SessionState.Closed;
                break;
            case SmtpVerb.Vrfy:
                _session.Reply(command.Stage, command.Text, command.Arguments.Length == 0 ? Replies.VrfySyntax : Replies.Vrfy);
                break;
            case SmtpVerb.Help:
                _session.Reply(command.Stage, command.Text, _engine.GetHelpReply(_session.Client.IsSecure, _session.Client.IsAuthenticated));
                break;
            case SmtpVerb.NotImplemented:
                _session.Reply(command.Stage, command.Text, Replies.NotImplemented);
                break;
            default:
                _session.Reply(command.Stage, command.Text, Replies.Unrecognized);
                break;
        }

        return ValueTask.CompletedTask;
    }
}
