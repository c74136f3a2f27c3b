using System.Globalization;

namespace SmtpFixture.Policies;

/// <summary>
/// Refuses messages over a size with <c>552 5.3.4</c>: at MAIL FROM when the declared SIZE (RFC 1870 §6) is larger,
/// otherwise at the end of the message when the content is.
/// </summary>
internal sealed class MaxMessageSizePolicy : SmtpPolicy
{
    private readonly long _bytes;

    public MaxMessageSizePolicy(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        _bytes = bytes;
    }

    public override string Name => "MaxMessageSize";

    public override ValueTask<SmtpVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken)
    {
        var tooLarge = context.Parameters.TryGetValue("SIZE", out var value)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var declared)
            && declared > _bytes;
        return new(tooLarge ? SmtpVerdict.Reply(SmtpReplies.MessageTooLarge) : SmtpVerdict.Continue);
    }

    public override ValueTask<SmtpVerdict> OnMessageAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        new(context.MessageData.Length > _bytes ? SmtpVerdict.Reply(SmtpReplies.MessageTooLarge) : SmtpVerdict.Continue);
}
