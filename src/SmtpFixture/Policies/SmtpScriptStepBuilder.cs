namespace SmtpFixture.Policies;

/// <summary>
/// Builds one step of <see cref="SmtpScript"/>: say how often and when it applies (<see cref="Times"/>,
/// <see cref="Always"/>, <see cref="When"/>), then what it does (<see cref="Reply"/>, <see cref="Drop"/>,
/// <see cref="Delay"/>), which adds it to the script. A step applies once unless told otherwise.
/// </summary>
public sealed class SmtpScriptStepBuilder
{
    private readonly SmtpScript _script;
    private readonly SmtpStage _stage;
    private readonly string? _addressPattern;
    private readonly int? _transactionNumber;
    private Func<SmtpPolicyContext, bool>? _predicate;
    private string? _predicateDescription;
    private int? _times = 1;

    internal SmtpScriptStepBuilder(SmtpScript script, SmtpStage stage, string? addressPattern, int? transactionNumber)
    {
        _script = script;
        _stage = stage;
        _addressPattern = addressPattern;
        _transactionNumber = transactionNumber;
    }

    /// <summary>Applies the step to the next <paramref name="count"/> matching commands.</summary>
    /// <param name="count">How many times; at least 1.</param>
    public SmtpScriptStepBuilder Times(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _times = count;
        return this;
    }

    /// <summary>Applies the step to the next matching command only (the default).</summary>
    public SmtpScriptStepBuilder Once() => Times(1);

    /// <summary>Applies the step to every matching command, until the script is reset.</summary>
    public SmtpScriptStepBuilder Always()
    {
        _times = null;
        return this;
    }

    /// <summary>Applies the step only to commands for which <paramref name="predicate"/> holds (several conditions must all hold).</summary>
    /// <param name="predicate">Tests the address, parameters, transaction or session; called concurrently, so thread-safe.</param>
    /// <param name="description">How the condition reads in the step's description, e.g. <c>"SIZE declared"</c>.</param>
    public SmtpScriptStepBuilder When(Func<SmtpPolicyContext, bool> predicate, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var previous = _predicate;
        _predicate = previous is null ? predicate : c => previous(c) && predicate(c);
        _predicateDescription = _predicateDescription is null ? description : _predicateDescription + " and " + (description ?? "predicate");
        return this;
    }

    /// <summary>Answers the matching command with <paramref name="reply"/> instead of the server's reply, and adds the step.</summary>
    /// <param name="reply">The reply, e.g. <see cref="SmtpReplies.MailboxBusy"/>.</param>
    /// <param name="close">Whether to close the connection after the reply (as servers do after a 421).</param>
    /// <returns>The step, to check its <see cref="SmtpScriptStep.Uses"/> later.</returns>
    public SmtpScriptStep Reply(SmtpReply reply, bool close = false) => Add(SmtpVerdict.Reply(reply, close));

    /// <summary>
    /// Closes the connection without answering the matching command, and adds the step. At the end of a message this
    /// drops the connection after the final dot, before the reply: the client sees no 250 and nothing is captured.
    /// </summary>
    /// <returns>The step, to check its <see cref="SmtpScriptStep.Uses"/> later.</returns>
    public SmtpScriptStep Drop() => Add(SmtpVerdict.Drop);

    /// <summary>
    /// Waits <paramref name="delay"/> (on the server's <see cref="TimeProvider"/>) before the matching command is
    /// answered, and adds the step; the later steps and policies then decide the reply.
    /// </summary>
    /// <param name="delay">How long to wait; not negative.</param>
    /// <returns>The step, to check its <see cref="SmtpScriptStep.Uses"/> later.</returns>
    public SmtpScriptStep Delay(TimeSpan delay) => Add(SmtpVerdict.Delay(delay));

    private SmtpScriptStep Add(SmtpVerdict verdict)
    {
        var step = new SmtpScriptStep(_stage, _addressPattern, _transactionNumber, _predicate, _predicateDescription, _times, verdict);
        _script.Add(step);
        return step;
    }
}
