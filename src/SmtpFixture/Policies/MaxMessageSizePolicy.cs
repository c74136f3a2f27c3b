using System.Globalization;

namespace SmtpFixture.Policies;

/// <summary>
/// Refuses messages over a size with <c>552 5.3.4</c>: at MAIL FROM when the declared SIZE (RFC 1870 §6) is larger,
/// otherwise at the end of the message when the content is. <see cref="SmtpTestServerOptions.MaxMessageSize"/> is this
/// policy too (the server runs one before the script), so a refusal names it in <see cref="SmtpExchange.AnsweredBy"/>.
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
        var declared = context.Parameters.TryGetValue("SIZE", out var value)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : 0;
        return new(Judge(declared));
    }

    public override ValueTask<SmtpVerdict> OnMessageAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        new(Judge(context.MessageData.Length));

    /// <summary>
    /// The verdict on a message of <paramref name="size"/> octets. The server also asks it directly when the content
    /// outgrew its buffer, which never holds more than the limit (RFC 1870 §6: the excess is not kept).
    /// </summary>
    public SmtpVerdict Judge(long size) => size > _bytes ? SmtpVerdict.Reply(SmtpReplies.MessageTooLarge) : SmtpVerdict.Continue;
}
