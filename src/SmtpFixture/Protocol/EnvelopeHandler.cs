namespace SmtpFixture.Protocol;

/// <summary>
/// The envelope of a transaction (RFC 5321 §3.3): MAIL FROM opens the transaction, RCPT TO adds its recipients. Both
/// check the path, the ESMTP parameters (<see cref="EsmtpExtensions"/>) and the client checks before the policies.
/// </summary>
internal sealed class EnvelopeHandler
{
    private readonly SmtpSession _session;
    private readonly SmtpEngine _engine;
    private readonly SmtpTestServerOptions _options;

    public EnvelopeHandler(SmtpSession session)
    {
        _session = session;
        _engine = session.Engine;
        _options = session.Options;
    }

    public async ValueTask MailAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        var session = _session;
        var stage = command.Stage;
        if (_engine.Gates.Length > 0)
        {
            // TLS or authentication required by the options: decided before the command is even parsed.
            var gate = await session.Policies.ConsultAsync(stage, command.Text, null, SmtpParameters.Empty, default, cancellationToken, _engine.Gates).ConfigureAwait(false);
            if (!gate.IsDefault)
            {
                await session.Policies.ApplyAsync(stage, command.Text, gate, Replies.SenderOk, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        if (!TryParsePath(command, mailParameters: null, out var address, out var parameters))
        {
            return;
        }

        var number = _engine.NextTransactionNumber();
        session.TransactionNumber = number;
        var attempt = session.Recorder.Begin(session.Client.Info);
        attempt.MailFrom = address;
        var decision = await session.Policies.ConsultAsync(stage, command.Text, address, parameters, default, cancellationToken).ConfigureAwait(false);
        if (decision.Accepts)
        {
            session.CurrentTransaction = new Transaction(number, address, parameters, attempt);
            session.State = SessionState.MailGiven;
        }

        await session.Policies.ApplyAsync(stage, command.Text, decision, Replies.SenderOk, cancellationToken).ConfigureAwait(false);
        if (session.CurrentTransaction is null)
        {
            session.EndTransaction(SmtpAttemptOutcome.Refused);
        }
    }

    public async ValueTask RcptAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        var session = _session;
        var stage = command.Stage;
        var transaction = session.CurrentTransaction!;
        if (!TryParsePath(command, transaction.MailParameters, out var address, out var parameters))
        {
            return;
        }

        if (session.Checks.RefusedAsRetry(command, transaction.MailFrom, address))
        {
            return;
        }

        var decision = await session.Policies.ConsultAsync(stage, command.Text, address, parameters, default, cancellationToken).ConfigureAwait(false);
        session.Checks.NoteRecipientDecision(transaction.MailFrom, address, decision);
        if (decision.Accepts)
        {
            transaction.AddRecipient(new SmtpRecipient(address, parameters));
            session.State = transaction.State;
        }

        await session.Policies.ApplyAsync(stage, command.Text, decision, Replies.RecipientOk, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The path and parameters of MAIL (<paramref name="mailParameters"/> null) or RCPT, checked in the order the replies
    /// depend on: path syntax (501), parameter syntax (501), the client check on parameters after HELO, the ESMTP
    /// parameters, then the address (its SMTPUTF8 from MAIL's parameters). False after the refusing reply was written.
    /// </summary>
    private bool TryParsePath(SmtpCommand command, SmtpParameters? mailParameters, out string address, out SmtpParameters parameters)
    {
        var session = _session;
        var rcpt = mailParameters is not null;
        parameters = SmtpParameters.Empty;
        if (!PathParser.TryParse(command.Arguments, rcpt ? "TO:" : "FROM:", out address, out var parameterText))
        {
            session.Reply(command.Stage, command.Text, rcpt ? Replies.RcptSyntax : Replies.MailSyntax);
            return false;
        }

        if (!PathParser.TryParseParameters(parameterText, _options.AdvertiseSmtpUtf8, out parameters))
        {
            session.Reply(command.Stage, command.Text, Replies.ParameterSyntax);
            return false;
        }

        if (session.Checks.RefusedForParametersAfterHelo(command, parameters))
        {
            return false;
        }

        var smtpUtf8 = (mailParameters ?? parameters).ContainsKey("SMTPUTF8");
        var badAddress = rcpt ? Replies.BadRecipientAddress : Replies.BadSenderAddress;
        var problem = EsmtpExtensions.Check(parameters, rcpt, _engine.Scope(session.Client.IsSecure, session.Client.IsAuthenticated)) ?? CheckAddress(address, smtpUtf8, badAddress, allowEmpty: !rcpt);
        session.Checks.NoteAddressProblem(command, problem, address);
        if (problem is not null)
        {
            session.Reply(command.Stage, command.Text, problem);
            return false;
        }

        return true;
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

        return !smtpUtf8 && !System.Text.Ascii.IsValid(address) ? Replies.NonAsciiAddress : null;
    }
}
