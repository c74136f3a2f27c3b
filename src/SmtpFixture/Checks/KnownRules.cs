namespace SmtpFixture.Checks;

/// <summary>The rules as objects, for the engine: looked up once, so a check costs an array index, not a search.</summary>
internal static class KnownRules
{
    public static readonly SmtpRule BareLineEnding = SmtpRules.Get(SmtpRules.BareLineEnding);

    public static readonly SmtpRule LineTooLong = SmtpRules.Get(SmtpRules.LineTooLong);

    public static readonly SmtpRule EightBitUndeclared = SmtpRules.Get(SmtpRules.EightBitUndeclared);

    public static readonly SmtpRule Utf8Undeclared = SmtpRules.Get(SmtpRules.Utf8Undeclared);

    public static readonly SmtpRule BinaryMimeWithData = SmtpRules.Get(SmtpRules.BinaryMimeWithData);

    public static readonly SmtpRule SizeUnderdeclared = SmtpRules.Get(SmtpRules.SizeUnderdeclared);

    public static readonly SmtpRule NoQuit = SmtpRules.Get(SmtpRules.NoQuit);

    public static readonly SmtpRule PipeliningNotOffered = SmtpRules.Get(SmtpRules.PipeliningNotOffered);

    public static readonly SmtpRule PipelinedAfterStartTls = SmtpRules.Get(SmtpRules.PipelinedAfterStartTls);

    public static readonly SmtpRule CleartextAuth = SmtpRules.Get(SmtpRules.CleartextAuth);

    public static readonly SmtpRule HeloSyntax = SmtpRules.Get(SmtpRules.HeloSyntax);

    public static readonly SmtpRule EsmtpAfterHelo = SmtpRules.Get(SmtpRules.EsmtpAfterHelo);

    public static readonly SmtpRule RetryAfterPermanentFailure = SmtpRules.Get(SmtpRules.RetryAfterPermanentFailure);

    public static readonly SmtpRule MissingDate = SmtpRules.Get(SmtpRules.MissingDate);

    public static readonly SmtpRule MissingFrom = SmtpRules.Get(SmtpRules.MissingFrom);

    public static readonly SmtpRule MissingMessageId = SmtpRules.Get(SmtpRules.MissingMessageId);

    public static readonly SmtpRule DuplicateHeader = SmtpRules.Get(SmtpRules.DuplicateHeader);

    public static readonly SmtpRule BccLeaked = SmtpRules.Get(SmtpRules.BccLeaked);

    public static readonly SmtpRule HeaderLineTooLong = SmtpRules.Get(SmtpRules.HeaderLineTooLong);

    public static readonly SmtpRule Raw8BitHeader = SmtpRules.Get(SmtpRules.Raw8BitHeader);

    public static readonly SmtpRule MalformedDate = SmtpRules.Get(SmtpRules.MalformedDate);

    public static readonly SmtpRule MalformedAddress = SmtpRules.Get(SmtpRules.MalformedAddress);

    public static readonly SmtpRule MissingMimeVersion = SmtpRules.Get(SmtpRules.MissingMimeVersion);

    public static readonly SmtpRule BrokenMultipart = SmtpRules.Get(SmtpRules.BrokenMultipart);

    public static readonly SmtpRule EncodingMismatch = SmtpRules.Get(SmtpRules.EncodingMismatch);

    public static readonly SmtpRule HtmlWithoutText = SmtpRules.Get(SmtpRules.HtmlWithoutText);

    public static readonly SmtpRule OneClickUnsubscribe = SmtpRules.Get(SmtpRules.OneClickUnsubscribe);
}
