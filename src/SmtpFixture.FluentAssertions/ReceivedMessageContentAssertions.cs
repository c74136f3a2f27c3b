using System.Linq.Expressions;
using System.Text.RegularExpressions;
using FluentAssertions;
using FluentAssertions.Execution;
using SmtpFixture.Content;
using SmtpFixture.Dkim;

namespace SmtpFixture.FluentAssertions;

/// <summary>
/// Assertions on what a message says and who signed it: DKIM signatures verified with the server's registered keys,
/// and links. Extension methods, so they chain with the other assertions on <c>message.Should()</c>.
/// </summary>
public static class ReceivedMessageContentAssertions
{
    /// <summary>
    /// Asserts that a <c>DKIM-Signature</c> with <c>d=</c><paramref name="domain"/> verifies with the keys registered in
    /// <see cref="SmtpTestServerOptions.DkimKeys"/>; the failure message gives each signature's verdict and reason.
    /// </summary>
    /// <param name="assertions">The assertions on the message.</param>
    /// <param name="domain">The signing domain, compared without case.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the valid signature's result.</returns>
    [CustomAssertion]
    public static AndWhichConstraint<ReceivedMessageAssertions, SmtpDkimResult> HaveValidDkimSignature(
        this ReceivedMessageAssertions assertions, string domain, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        ArgumentException.ThrowIfNullOrEmpty(domain);
        var results = assertions.Subject.VerifyDkim();
        var match = results.FirstOrDefault(r => r.IsValid && string.Equals(r.Domain, domain, StringComparison.OrdinalIgnoreCase));
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(match is not null)
            .FailWith("Expected {context:message} to have a valid DKIM signature for " + FailureText.Escape(domain) + "{reason}, but "
                + FailureText.Escape(Verdicts(results)) + Footer(assertions));
        return new AndWhichConstraint<ReceivedMessageAssertions, SmtpDkimResult>(assertions, match!);
    }

    /// <summary>
    /// Asserts that a valid DKIM signature's domain aligns with the <c>From</c> domain as DMARC requires (RFC 7489
    /// §3.1.1); see <see cref="SmtpDkimResult.IsAligned"/> for how the organisational domain is found.
    /// </summary>
    /// <param name="assertions">The assertions on the message.</param>
    /// <param name="alignment">Relaxed (the DMARC default) or strict.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the aligned signature's result.</returns>
    [CustomAssertion]
    public static AndWhichConstraint<ReceivedMessageAssertions, SmtpDkimResult> BeDkimAligned(
        this ReceivedMessageAssertions assertions, SmtpDkimAlignment alignment = SmtpDkimAlignment.Relaxed, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        var results = assertions.Subject.VerifyDkim();
        var match = results.FirstOrDefault(r => r.IsValid && r.IsAligned(alignment));
        var from = assertions.Subject.Message.From.ToString();
        var mode = alignment == SmtpDkimAlignment.Strict ? "strictly" : "relaxed";
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(match is not null)
            .FailWith("Expected {context:message} to have a valid DKIM signature aligned (" + mode + ") with its From (" + FailureText.Escape(from) + "){reason}, but "
                + FailureText.Escape(Verdicts(results)) + Footer(assertions));
        return new AndWhichConstraint<ReceivedMessageAssertions, SmtpDkimResult>(assertions, match!);
    }

    /// <summary>Asserts that the message has a link whose URL matches the regular expression <paramref name="pattern"/> (see <see cref="ReceivedMessage.Links"/>).</summary>
    /// <param name="assertions">The assertions on the message.</param>
    /// <param name="pattern">A .NET regular expression searched in the absolute URL, e.g. <c>/reset\?token=</c>.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the first matching URL, ready to follow.</returns>
    [CustomAssertion]
    public static AndWhichConstraint<ReceivedMessageAssertions, Uri> HaveLink(
        this ReceivedMessageAssertions assertions, string pattern, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return HaveLink(assertions, l => regex.IsMatch(l.Uri.AbsoluteUri), "matching " + pattern, because, becauseArgs);
    }

    /// <summary>Asserts that the message has a link that satisfies <paramref name="predicate"/>, e.g. <c>l =&gt; l.Text == "Reset password"</c>.</summary>
    /// <param name="assertions">The assertions on the message.</param>
    /// <param name="predicate">The condition; its text appears in the failure message.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the first matching URL, ready to follow.</returns>
    [CustomAssertion]
    public static AndWhichConstraint<ReceivedMessageAssertions, Uri> HaveLink(
        this ReceivedMessageAssertions assertions, Expression<Func<SmtpLink, bool>> predicate, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        ArgumentNullException.ThrowIfNull(predicate);
        return HaveLink(assertions, predicate.Compile(), "where " + predicate.Body, because, becauseArgs);
    }

    private static AndWhichConstraint<ReceivedMessageAssertions, Uri> HaveLink(
        ReceivedMessageAssertions assertions, Func<SmtpLink, bool> predicate, string description, string because, object[] becauseArgs)
    {
        var links = assertions.Subject.Links;
        var match = links.FirstOrDefault(predicate);
        var found = links.Count == 0 ? "it has no links." : "its links are:" + string.Concat(links.Select(l => Environment.NewLine + "  " + l));
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(match is not null)
            .FailWith("Expected {context:message} to have a link " + FailureText.Escape(description) + "{reason}, but " + FailureText.Escape(found) + Footer(assertions));
        return new AndWhichConstraint<ReceivedMessageAssertions, Uri>(assertions, match?.Uri!);
    }

    private static string Verdicts(IReadOnlyList<SmtpDkimResult> results) =>
        results.Count == 0
            ? "it has no DKIM-Signature header."
            : "its signatures are:" + string.Concat(results.Select(r => Environment.NewLine + "  " + r));

    private static string Footer(ReceivedMessageAssertions assertions) =>
        Environment.NewLine + "The message: " + FailureText.Escape(assertions.Subject.ToString());
}
