using SmtpFixture.Policies;

namespace SmtpFixture.Tests.Support;

/// <summary>
/// Answers EHLO with 16 MiB of reply lines, far more than the socket buffers hold: the session then blocks writing to
/// a client that does not read. <paramref name="answered"/> completes when the policy has answered.
/// </summary>
internal sealed class HugeEhloReply(TaskCompletionSource answered) : SmtpPolicy
{
    private static readonly SmtpReply Huge = new(250, null, Enumerable.Range(0, 16 * 1024).Select(i => new string('x', 1020)).ToArray());

    public override ValueTask<SmtpVerdict> OnHeloAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        answered.TrySetResult();
        return new(SmtpVerdict.Reply(Huge));
    }
}
