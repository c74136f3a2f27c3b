using SmtpFixture.Policies;

namespace SmtpFixture.Interop.Tests.Support;

/// <summary>
/// Answers the first command at <see cref="Stage"/> whose address matches with a fixed reply (optionally closing the
/// connection), and lets the server answer everything else; the test's own small script of a refusal.
/// </summary>
internal sealed class ReplyOncePolicy(SmtpStage stage, SmtpReply reply, bool close = false, string? address = null) : SmtpPolicy
{
    private int _used;

    public SmtpStage Stage { get; } = stage;

    public override string Name => $"reply {reply} at {Stage}";

    public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => Decide(context);

    public override ValueTask<SmtpVerdict> OnRcptToAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => Decide(context);

    public override ValueTask<SmtpVerdict> OnDataAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => Decide(context);

    public override ValueTask<SmtpVerdict> OnMessageAsync(SmtpPolicyContext context, CancellationToken cancellationToken) => Decide(context);

    public override void Reset() => Interlocked.Exchange(ref _used, 0);

    private ValueTask<SmtpVerdict> Decide(SmtpPolicyContext context)
    {
        var matches = context.Stage == Stage
            && (address is null || string.Equals(context.Address, address, StringComparison.OrdinalIgnoreCase))
            && Interlocked.Exchange(ref _used, 1) == 0;
        return new(matches ? SmtpVerdict.Respond(reply, close) : SmtpVerdict.Continue);
    }
}
