using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>
/// A session's policy runner: the only place policies are called, their delays waited out and their verdicts carried
/// out (a reply, a reply then closing, a dropped connection). The first decisive verdict wins; a policy that throws
/// gets the client <c>451 4.3.0</c> and the test an error. Created once per session.
/// </summary>
internal sealed class PolicyRunner
{
    private readonly SmtpSession _session;
    private readonly SmtpEngine _engine;

    public PolicyRunner(SmtpSession session)
    {
        _session = session;
        _engine = session.Engine;
    }

    /// <summary>Runs the policies (all, or <paramref name="only"/> these) for a stage with what the session and its transaction know so far.</summary>
    public ValueTask<PolicyDecision> ConsultAsync(
        SmtpStage stage, string? command, string? argument, SmtpParameters parameters, ReadOnlyMemory<byte> data, CancellationToken cancellationToken, SmtpPolicy[]? only = null)
    {
        var session = _session;
        var policies = only ?? _engine.PolicyChain;
        if (policies.Length == 0)
        {
            return new(PolicyDecision.Default);
        }

        var transaction = session.CurrentTransaction;
        var context = new SmtpPolicyContext(stage)
        {
            Session = session.Client.Info,
            Command = command,
            Argument = argument,
            Parameters = parameters,
            MailParameters = stage == SmtpStage.MailFrom ? parameters : transaction?.MailParameters ?? SmtpParameters.Empty,
            MailFrom = transaction?.MailFrom,
            Recipients = transaction?.RecipientAddresses() ?? [],
            TransactionNumber = stage == SmtpStage.MailFrom ? session.TransactionNumber : transaction?.Number ?? 0,
            MessageData = data,
            TimeProvider = _engine.Time,
        };
        return RunAsync(policies, context, cancellationToken);
    }

    /// <summary>Carries out a policy decision: the default reply, the policy's reply (maybe then closing), or dropping the connection.</summary>
    public async ValueTask ApplyAsync(SmtpStage stage, string command, PolicyDecision decision, SmtpReply defaultReply, CancellationToken cancellationToken)
    {
        var session = _session;
        var verdict = decision.Verdict;
        if (decision.IsDefault)
        {
            session.Reply(stage, command, defaultReply);
            return;
        }

        if (verdict.Kind == SmtpVerdictKind.Drop)
        {
            // Replies already due to earlier pipelined commands go out; then the connection vanishes.
            session.State = SessionState.Closed;
            session.Recorder.Record(session.Client.Info, stage, command, new SmtpReply(421, "4.4.0", "<connection dropped without a reply>"), decision.By);

            // Final before the client can see the connection close, so a test that saw it finds the attempt refused.
            session.EndTransaction(SmtpAttemptOutcome.Refused);
            await session.FlushAsync(cancellationToken).ConfigureAwait(false);
            session.Transport.Abort();
            return;
        }

        session.Reply(stage, command, verdict.ReplyToSend!, decision.By);
        if (verdict.CloseAfterReply)
        {
            session.State = SessionState.Closed;
        }
    }

    private async ValueTask<PolicyDecision> RunAsync(SmtpPolicy[] policies, SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        foreach (var policy in policies)
        {
            SmtpVerdict verdict;
            try
            {
                verdict = await policy.EvaluateAsync(context, cancellationToken).ConfigureAwait(false) ?? SmtpVerdict.Continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                var stage = context.Stage;
                _engine.Store.ReportError(new InvalidOperationException($"Policy '{policy.Name}' threw at {stage} in session {_session.Id} (the client was answered {Replies.PolicyFailed.Code} {Replies.PolicyFailed.EnhancedStatusCode}): {ex.Message}", ex));
                Log.WhileHandlingFailure(static x => Log.PolicyFailed(x.Item1, x.Item2, x.Item3, x.Item4, x.Item5), (_engine.Logger, _session.Id, policy.Name, stage, ex));
                return new(SmtpVerdict.Reply(Replies.PolicyFailed), policy.Name);
            }

            switch (verdict.Kind)
            {
                case SmtpVerdictKind.Continue:
                    continue;
                case SmtpVerdictKind.Delay:
                    await Task.Delay(verdict.DelayDuration, _engine.Time, cancellationToken).ConfigureAwait(false);
                    continue;
                default:
                    return new(verdict, verdict.AnsweredBy ?? policy.Name);
            }
        }

        return PolicyDecision.Default;
    }
}

/// <summary>What the policies decided at a stage, and who decided it (for <see cref="SmtpExchange.AnsweredBy"/>).</summary>
internal readonly record struct PolicyDecision(SmtpVerdict Verdict, string? By)
{
    public static PolicyDecision Default => new(SmtpVerdict.Continue, null);

    /// <summary>No policy decided: the server gives its own reply.</summary>
    public bool IsDefault => Verdict.Kind == SmtpVerdictKind.Continue;

    /// <summary>The command goes ahead: no policy decided, or one answered with a positive reply.</summary>
    public bool Accepts => IsDefault || Verdict.ReplyToSend?.IsPositive == true;
}
