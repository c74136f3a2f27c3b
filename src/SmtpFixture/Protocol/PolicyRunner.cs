using SmtpFixture.Policies;

namespace SmtpFixture.Protocol;

/// <summary>
/// Runs the policy chain for one stage: the only place policies are called and their delays waited out. The first
/// decisive verdict wins; a policy that throws gets the client <c>451 4.3.0</c> and the test an error.
/// </summary>
internal static class PolicyRunner
{
    public static async ValueTask<PolicyDecision> RunAsync(SmtpEngine engine, SmtpPolicy[] policies, SmtpPolicyContext context, string sessionId, CancellationToken cancellationToken)
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
                engine.Store.ReportError(new InvalidOperationException($"Policy '{policy.Name}' threw at {stage} in session {sessionId} (the client was answered {Replies.PolicyFailed.Code} {Replies.PolicyFailed.EnhancedStatusCode}): {ex.Message}", ex));
                Log.WhileHandlingFailure(static x => Log.PolicyFailed(x.Item1, x.Item2, x.Item3, x.Item4, x.Item5), (engine.Logger, sessionId, policy.Name, stage, ex));
                return new(SmtpVerdict.Reply(Replies.PolicyFailed), policy.Name);
            }

            switch (verdict.Kind)
            {
                case SmtpVerdictKind.Continue:
                    continue;
                case SmtpVerdictKind.Delay:
                    await Task.Delay(verdict.DelayDuration, engine.Time, cancellationToken).ConfigureAwait(false);
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
