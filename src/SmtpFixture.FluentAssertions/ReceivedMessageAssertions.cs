using FluentAssertions;
using FluentAssertions.Execution;
using FluentAssertions.Primitives;
using MimeKit;

namespace SmtpFixture.FluentAssertions;

/// <summary>
/// Assertions on one <see cref="ReceivedMessage"/>: its SMTP envelope, headers, bodies and attachments. Every failure
/// message ends with the message's envelope and subject, so that it is clear which message was looked at.
/// </summary>
public sealed class ReceivedMessageAssertions : ReferenceTypeAssertions<ReceivedMessage, ReceivedMessageAssertions>
{
    /// <summary>Creates assertions on <paramref name="message"/>; use <c>message.Should()</c>.</summary>
    /// <param name="message">The message to assert on.</param>
    public ReceivedMessageAssertions(ReceivedMessage message)
        : base(message)
    {
    }

    /// <inheritdoc />
    protected override string Identifier => "message";

    private string Footer => Environment.NewLine + "The message: " + FailureText.Escape(Subject.ToString());

    /// <summary>
    /// Asserts that the envelope sender, the reverse-path given with MAIL FROM, is <paramref name="address"/>; this is
    /// not the <c>From</c> header, which the failure message shows alongside. The local part is compared exactly and
    /// the domain without case (RFC 5321 §2.4); pass an empty string for the null reverse-path of a bounce.
    /// </summary>
    /// <param name="address">The mailbox, e.g. <c>noreply@example.com</c>.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint to chain further assertions with <c>And</c>.</returns>
    [CustomAssertion]
    public AndConstraint<ReceivedMessageAssertions> BeFrom(string address, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(address);
        var actual = Subject.Envelope.MailFrom;
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(FailureText.SameMailbox(actual, address))
            .FailWith(
                "Expected {context:message} to be from <" + FailureText.Escape(address) + "> (envelope MAIL FROM){reason}, but it was from <"
                + FailureText.Escape(actual) + "> (header From: " + FailureText.Escape(Subject.Message.From.ToString()) + ")." + Footer);
        return new AndConstraint<ReceivedMessageAssertions>(this);
    }

    /// <summary>
    /// Asserts that <paramref name="address"/> is among the envelope recipients (RCPT TO), which include Bcc recipients
    /// that appear in no header. The local part is compared exactly and the domain without case.
    /// </summary>
    /// <param name="address">The mailbox, e.g. <c>auditor@example.com</c>.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the recipient with its RCPT TO parameters.</returns>
    [CustomAssertion]
    public AndWhichConstraint<ReceivedMessageAssertions, SmtpRecipient> HaveEnvelopeRecipient(string address, string because = "", params object[] becauseArgs)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        var match = Subject.Envelope.RecipientDetails.FirstOrDefault(r => FailureText.SameMailbox(r.Address, address));
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(match is not null)
            .FailWith(
                "Expected {context:message} to have envelope recipient <" + FailureText.Escape(address) + "> (RCPT TO){reason}, but its recipients were "
                + FailureText.Escape(FailureText.Addresses(Subject.Envelope.Recipients)) + "." + Footer);
        return new AndWhichConstraint<ReceivedMessageAssertions, SmtpRecipient>(this, match!);
    }

    /// <summary>Asserts that the <c>Subject</c> header, decoded, is exactly <paramref name="subject"/>.</summary>
    /// <param name="subject">The expected subject.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint to chain further assertions with <c>And</c>.</returns>
    [CustomAssertion]
    public AndConstraint<ReceivedMessageAssertions> HaveSubject(string subject, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var actual = Subject.Subject;
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(string.Equals(actual, subject, StringComparison.Ordinal))
            .FailWith("Expected {context:message} to have subject {0}{reason}, but it was {1}." + Footer, subject, actual);
        return new AndConstraint<ReceivedMessageAssertions>(this);
    }

    /// <summary>Asserts that the <c>text/plain</c> body contains <paramref name="text"/> (ordinal comparison).</summary>
    /// <param name="text">The text to find.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint to chain further assertions with <c>And</c>.</returns>
    [CustomAssertion]
    public AndConstraint<ReceivedMessageAssertions> HaveTextBodyContaining(string text, string because = "", params object[] becauseArgs) =>
        HaveBodyContaining("a text", "text/plain", Subject.Message.TextBody, text, because, becauseArgs);

    /// <summary>Asserts that the <c>text/html</c> body contains <paramref name="html"/> (ordinal comparison, markup included).</summary>
    /// <param name="html">The text or markup to find.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint to chain further assertions with <c>And</c>.</returns>
    [CustomAssertion]
    public AndConstraint<ReceivedMessageAssertions> HaveHtmlBodyContaining(string html, string because = "", params object[] becauseArgs) =>
        HaveBodyContaining("an HTML", "text/html", Subject.Message.HtmlBody, html, because, becauseArgs);

    /// <summary>
    /// Asserts that the message has a header named <paramref name="name"/> (without case) and, when <paramref name="value"/>
    /// is given, that one such header has exactly that value (decoded, surrounding whitespace ignored).
    /// </summary>
    /// <param name="name">The header name, e.g. <c>List-Unsubscribe</c>.</param>
    /// <param name="value">The expected value, or <see langword="null"/> to require only that the header exists.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the first matching header.</returns>
    [CustomAssertion]
    public AndWhichConstraint<ReceivedMessageAssertions, Header> HaveHeader(string name, string? value = null, string because = "", params object[] becauseArgs)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var named = Subject.Message.Headers.Where(h => string.Equals(h.Field, name, StringComparison.OrdinalIgnoreCase)).ToArray();
        var match = value is null
            ? named.FirstOrDefault()
            : named.FirstOrDefault(h => string.Equals(h.Value.Trim(), value.Trim(), StringComparison.Ordinal));
        if (named.Length == 0)
        {
            Execute.Assertion
                .BecauseOf(because, becauseArgs)
                .ForCondition(false)
                .FailWith(
                    "Expected {context:message} to have header {0}" + (value is null ? string.Empty : " with value {1}") + "{reason}, but it has no such header." + Footer,
                    name,
                    value);
        }
        else
        {
            Execute.Assertion
                .BecauseOf(because, becauseArgs)
                .ForCondition(match is not null)
                .FailWith(
                    "Expected {context:message} to have header {0} with value {1}{reason}, but its value was "
                    + FailureText.Escape(string.Join(", ", named.Select(h => "\"" + h.Value.Trim() + "\""))) + "." + Footer,
                    name,
                    value);
        }

        return new AndWhichConstraint<ReceivedMessageAssertions, Header>(this, match!);
    }

    /// <summary>
    /// Asserts that a MIME part (an attachment, or an inline part with a file name) is named exactly
    /// <paramref name="fileName"/>, from its <c>Content-Disposition</c> filename or <c>Content-Type</c> name.
    /// </summary>
    /// <param name="fileName">The file name, e.g. <c>invoice.pdf</c>.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the part, to assert on its content type or content.</returns>
    [CustomAssertion]
    public AndWhichConstraint<ReceivedMessageAssertions, MimePart> HaveAttachment(string fileName, string because = "", params object[] becauseArgs)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var named = Subject.Message.BodyParts.OfType<MimePart>().Where(p => p.FileName is not null).ToArray();
        var match = named.FirstOrDefault(p => string.Equals(p.FileName, fileName, StringComparison.Ordinal));
        var found = named.Length == 0
            ? "it has no attachments"
            : "it has " + string.Join(", ", named.Select(p => "\"" + p.FileName + "\""));
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(match is not null)
            .FailWith("Expected {context:message} to have an attachment named {0}{reason}, but " + FailureText.Escape(found) + "." + Footer, fileName);
        return new AndWhichConstraint<ReceivedMessageAssertions, MimePart>(this, match!);
    }

    [CustomAssertion]
    private AndConstraint<ReceivedMessageAssertions> HaveBodyContaining(string kind, string mediaType, string? body, string expected, string because, object[] becauseArgs)
    {
        ArgumentException.ThrowIfNullOrEmpty(expected);
        if (body is null)
        {
            Execute.Assertion
                .BecauseOf(because, becauseArgs)
                .ForCondition(false)
                .FailWith("Expected {context:message} to have " + kind + " body containing {0}{reason}, but it has no " + mediaType + " body." + Footer, expected);
        }
        else
        {
            Execute.Assertion
                .BecauseOf(because, becauseArgs)
                .ForCondition(body.Contains(expected, StringComparison.Ordinal))
                .FailWith("Expected {context:message} to have " + kind + " body containing {0}{reason}, but it was {1}." + Footer, expected, body);
        }

        return new AndConstraint<ReceivedMessageAssertions>(this);
    }
}
