namespace SmtpFixture.Policies;

/// <summary>
/// Runs an <see cref="SmtpScript"/> as the first policy of a server: steps are tried in order and the first that
/// matches and has uses left decides; a delay step waits, then the later steps are tried.
/// </summary>
internal sealed class ScriptPolicy(SmtpScript script) : SmtpPolicy
{
    /// <summary>Script steps are recorded in <see cref="SmtpExchange.AnsweredBy"/> by their own description; this name appears only on failures.</summary>
    public override string Name => "Script";

    public override ValueTask<SmtpVerdict> OnConnectAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    public override ValueTask<SmtpVerdict> OnHeloAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    public override ValueTask<SmtpVerdict> OnAuthAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    public override ValueTask<SmtpVerdict> OnDataAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    public override ValueTask<SmtpVerdict> OnMessageAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => RunAsync(context, cancellationToken);

    public override void Reset() => script.Clear();

    internal override string DescribePending() => script.DescribePending();

    private ValueTask<SmtpVerdict> RunAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        var steps = script.Snapshot;
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            if (!step.Matches(context) || !step.TryConsume())
            {
                continue;
            }

            if (step.Verdict.Kind == SmtpVerdictKind.Delay)
            {
                return DelayThenRunAsync(step.Verdict.DelayDuration, steps, i + 1, context, cancellationToken);
            }

            return new(step.Verdict);
        }

        return new(SmtpVerdict.Continue);
    }

    // A delay step waits here rather than in the session, so that a later step can still answer (a delayed 421).
    private static async ValueTask<SmtpVerdict> DelayThenRunAsync(TimeSpan delay, SmtpScriptStep[] steps, int next, SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, context.TimeProvider, cancellationToken).ConfigureAwait(false);
        for (var i = next; i < steps.Length; i++)
        {
            var step = steps[i];
            if (!step.Matches(context) || !step.TryConsume())
            {
                continue;
            }

            if (step.Verdict.Kind == SmtpVerdictKind.Delay)
            {
                await Task.Delay(step.Verdict.DelayDuration, context.TimeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return step.Verdict;
        }

        return SmtpVerdict.Continue;
    }
}
