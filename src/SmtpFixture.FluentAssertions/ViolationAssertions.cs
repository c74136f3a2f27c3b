using FluentAssertions;
using FluentAssertions.Execution;
using SmtpFixture.Checks;

namespace SmtpFixture.FluentAssertions;

/// <summary>
/// Assertions on the rules a client broke (<see cref="SmtpTestServer.Violations"/>, <see cref="ReceivedMessage.Violations"/>):
/// <c>server.Should().HaveNoViolations()</c>, <c>message.Should().HaveViolation("bare-line-ending")</c>. A failure lists
/// each violation with its RFC reference and the offending line.
/// </summary>
public static class ViolationAssertions
{
    /// <summary>Asserts that no client broke any rule, in any session.</summary>
    /// <param name="assertions">The server's assertions.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint to chain further assertions with <c>And</c>.</returns>
    [CustomAssertion]
    public static AndConstraint<SmtpTestServerAssertions> HaveNoViolations(this SmtpTestServerAssertions assertions, string because = "", params object[] becauseArgs) =>
        HaveNoViolations(assertions, SmtpViolationSeverity.Info, because, becauseArgs);

    /// <summary>Asserts that no client broke a rule of <paramref name="minimumSeverity"/> or above (Warning: warnings and errors).</summary>
    /// <param name="assertions">The server's assertions.</param>
    /// <param name="minimumSeverity">The least severity that fails the assertion.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint to chain further assertions with <c>And</c>.</returns>
    [CustomAssertion]
    public static AndConstraint<SmtpTestServerAssertions> HaveNoViolations(this SmtpTestServerAssertions assertions, SmtpViolationSeverity minimumSeverity, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        AssertNone(assertions.Subject.Violations, minimumSeverity, "server", because, becauseArgs);
        return new AndConstraint<SmtpTestServerAssertions>(assertions);
    }

    /// <summary>Asserts that a client broke the rule <paramref name="rule"/> (one of <see cref="SmtpRules"/>).</summary>
    /// <param name="assertions">The server's assertions.</param>
    /// <param name="rule">The rule id, e.g. <see cref="SmtpRules.BareLineEnding"/>.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the first violation of the rule.</returns>
    [CustomAssertion]
    public static AndWhichConstraint<SmtpTestServerAssertions, SmtpViolation> HaveViolation(this SmtpTestServerAssertions assertions, string rule, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        return new AndWhichConstraint<SmtpTestServerAssertions, SmtpViolation>(assertions, AssertSome(assertions.Subject.Violations, rule, "server", because, becauseArgs));
    }

    /// <summary>Asserts that the message, and the transaction that delivered it, broke no rule.</summary>
    /// <param name="assertions">The message's assertions.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint to chain further assertions with <c>And</c>.</returns>
    [CustomAssertion]
    public static AndConstraint<ReceivedMessageAssertions> HaveNoViolations(this ReceivedMessageAssertions assertions, string because = "", params object[] becauseArgs) =>
        HaveNoViolations(assertions, SmtpViolationSeverity.Info, because, becauseArgs);

    /// <summary>Asserts that the message broke no rule of <paramref name="minimumSeverity"/> or above.</summary>
    /// <param name="assertions">The message's assertions.</param>
    /// <param name="minimumSeverity">The least severity that fails the assertion.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint to chain further assertions with <c>And</c>.</returns>
    [CustomAssertion]
    public static AndConstraint<ReceivedMessageAssertions> HaveNoViolations(this ReceivedMessageAssertions assertions, SmtpViolationSeverity minimumSeverity, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        AssertNone(assertions.Subject.Violations, minimumSeverity, "message", because, becauseArgs);
        return new AndConstraint<ReceivedMessageAssertions>(assertions);
    }

    /// <summary>Asserts that the message, or the transaction that delivered it, broke the rule <paramref name="rule"/>.</summary>
    /// <param name="assertions">The message's assertions.</param>
    /// <param name="rule">The rule id, e.g. <see cref="SmtpRules.MissingDate"/>.</param>
    /// <param name="because">Why the assertion is needed, with placeholders for <paramref name="becauseArgs"/>.</param>
    /// <param name="becauseArgs">Values for the placeholders in <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the first violation of the rule.</returns>
    [CustomAssertion]
    public static AndWhichConstraint<ReceivedMessageAssertions, SmtpViolation> HaveViolation(this ReceivedMessageAssertions assertions, string rule, string because = "", params object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        return new AndWhichConstraint<ReceivedMessageAssertions, SmtpViolation>(assertions, AssertSome(assertions.Subject.Violations, rule, "message", because, becauseArgs));
    }

    private static void AssertNone(IReadOnlyList<SmtpViolation> all, SmtpViolationSeverity minimumSeverity, string subject, string because, object[] becauseArgs)
    {
        var found = all.Where(v => v.Severity >= minimumSeverity).ToArray();
        var which = minimumSeverity == SmtpViolationSeverity.Info ? "violations" : $"violations of severity {minimumSeverity} or above";
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(found.Length == 0)
            .FailWith($"Expected {{context:{subject}}} to have no {which}{{reason}}, but found {found.Length}:" + List(found));
    }

    private static SmtpViolation AssertSome(IReadOnlyList<SmtpViolation> all, string rule, string subject, string because, object[] becauseArgs)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var id = SmtpRules.Get(rule).Id;
        var match = all.FirstOrDefault(v => v.Rule == id);
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(match is not null)
            .FailWith($"Expected {{context:{subject}}} to have a violation of {id}{{reason}}, but found " + (all.Count == 0 ? "none." : all.Count + " other" + (all.Count == 1 ? ":" : "s:") + List(all)));
        return match!;
    }

    private static string List(IEnumerable<SmtpViolation> violations) =>
        string.Concat(violations.Select(v => Environment.NewLine + "  - " + FailureText.Escape(v.ToString())));
}
