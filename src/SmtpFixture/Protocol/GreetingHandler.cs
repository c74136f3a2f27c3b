using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>
/// The opening of a session: the server's greeting, which the connect-stage policies may replace (RFC 5321 §3.1,
/// §4.3.1), and EHLO/HELO (RFC 5321 §4.1.1.1), which names the client and resets any transaction.
/// </summary>
internal sealed class GreetingHandler
{
    private readonly SmtpSession _session;
    private readonly SmtpEngine _engine;
    private readonly SmtpTestServerOptions _options;

    public GreetingHandler(SmtpSession session)
    {
        _session = session;
        _engine = session.Engine;
        _options = session.Options;
    }

    /// <summary>Greets the client, or refuses or drops it as a connect policy decides; true when the session goes on.</summary>
    public async Task<bool> GreetAsync(CancellationToken shutdown)
    {
        var session = _session;
        var decision = await session.Policies.ConsultAsync(SmtpStage.Connect, null, null, SmtpParameters.Empty, default, shutdown).ConfigureAwait(false);
        var verdict = decision.Verdict;
        switch (verdict.Kind)
        {
            case SmtpVerdictKind.Drop:
                session.State = SessionState.Closed;
                session.Transport.Abort();
                return false;
            case SmtpVerdictKind.Reply:
                session.Reply(SmtpStage.Connect, "<connect>", verdict.ReplyToSend!, decision.By);
                session.State = verdict.ReplyToSend!.IsPositive ? SessionState.Connected : SessionState.Refused;
                if (verdict.CloseAfterReply)
                {
                    await session.FlushAsync(shutdown).ConfigureAwait(false);
                    return false;
                }

                return true;
            default:
                session.Write(new SmtpReply(220, null, _options.ServerName + " ESMTP SmtpFixture ready"));
                return true;
        }
    }

    public async ValueTask HeloAsync(SmtpCommand command, CancellationToken cancellationToken)
    {
        var session = _session;
        var stage = command.Stage;
        var extended = command.Verb == SmtpVerb.Ehlo;
        var name = command.Arguments.Split(' ', 2)[0];
        if (name.Length == 0)
        {
            session.Reply(stage, command.Text, extended ? Replies.EhloSyntax : Replies.HeloSyntax);
            return;
        }

        if (name.AsSpan().ContainsAnyInRange((char)0, (char)31) || (!_options.AdvertiseSmtpUtf8 && !System.Text.Ascii.IsValid(name)))
        {
            session.Reply(stage, command.Text, Replies.NonAsciiCommand);
            return;
        }

        if (session.Checks.RefusedForHeloName(command, name))
        {
            return;
        }

        // RFC 5321 §4.1.4: EHLO in the middle of a session resets it as RSET does.
        session.EndTransaction(SmtpAttemptOutcome.Aborted);
        var decision = await session.Policies.ConsultAsync(stage, command.Text, name, SmtpParameters.Empty, default, cancellationToken).ConfigureAwait(false);
        if (decision.Accepts)
        {
            session.Client.Greeted(name, extended);
            session.State = SessionState.Greeted;
        }

        var reply = extended ? _engine.GetEhloReply(session.Client.IsSecure, session.Client.IsAuthenticated) : new SmtpReply(250, null, _options.ServerName);
        await session.Policies.ApplyAsync(stage, command.Text, decision, reply, cancellationToken).ConfigureAwait(false);
    }
}
