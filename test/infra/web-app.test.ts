import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { App, Aspects, Stack } from "aws-cdk-lib";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import { UserPool } from "aws-cdk-lib/aws-cognito";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { AwsSolutionsChecks } from "cdk-nag";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiPathPatterns, WebApp, webAppSettings } from "../../infra/constructs/web-app.ts";
import { WEB_DIST } from "../../infra/local/web-files.ts";
import { appContentSecurityPolicy } from "../../infra/web-headers.ts";
import { ROUTES } from "../../resources/declarations.ts";
import { buildWebOnce } from "../support/browser.ts";

process.env.SRO_CDK_NO_AUTO_SYNTH = "1";
const { buildApp, FEATURE_CONTEXT } = await import("../../infra/app.ts");

type Resource = { Properties: Record<string, unknown> };
type Behavior = {
  PathPattern?: string;
  TargetOriginId: string;
  AllowedMethods: string[];
  CachePolicyId: unknown;
  OriginRequestPolicyId?: unknown;
  ResponseHeadersPolicyId: unknown;
  ViewerProtocolPolicy: string;
};
type DistributionConfig = {
  DefaultRootObject: string;
  DefaultCacheBehavior: Behavior;
  CacheBehaviors: Behavior[];
  Origins: Array<{
    Id: string;
    DomainName: unknown;
    OriginAccessControlId?: unknown;
    S3OriginConfig?: Record<string, unknown>;
    CustomOriginConfig?: Record<string, unknown>;
  }>;
  CustomErrorResponses?: unknown;
  Logging?: { Bucket: unknown; Prefix: string };
  Restrictions: { GeoRestriction: { RestrictionType: string; Locations: string[] } };
  ViewerCertificate?: Record<string, unknown>;
  Aliases?: string[];
  WebACLId?: string;
};

/** CloudFront's managed policies, by the ids CloudFront documents. */
const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
const CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
const TWO_YEARS = 2 * 365 * 86_400;

/** A template value as text: references as `<Name>`, joins joined. */
const flatten = (value: unknown): string => {
  if (typeof value === "string") return value;
  const node = value as Record<string, unknown>;
  if ("Ref" in node) return `<${String(node.Ref)}>`;
  if ("Fn::GetAtt" in node) return `<${(node["Fn::GetAtt"] as string[]).join(".")}>`;
  if ("Fn::ImportValue" in node) return `<import:${flatten(node["Fn::ImportValue"])}>`;
  if ("Fn::Join" in node) {
    const [separator, parts] = node["Fn::Join"] as [string, unknown[]];
    return parts.map(flatten).join(separator);
  }
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
};

/** CloudFront's path pattern: `*` any characters, `?` one, case-sensitive, the whole path. */
const matches = (pattern: string, path: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  ).test(path);

/** The behaviour CloudFront picks for a path: the first pattern that matches, else the default. */
const behaviorFor = (config: DistributionConfig, path: string) =>
  config.CacheBehaviors.find((behavior) => matches(behavior.PathPattern!, path)) ??
  config.DefaultCacheBehavior;

/** The paths the web client is served at (contracts section 7, agreed between its engineers). */
const APP_PATHS = [
  "/",
  "/index.html",
  "/config.json",
  "/sw.js",
  "/manifest.webmanifest",
  "/icon.svg",
  "/workbox-051dea9f.js",
  "/assets/index-DyU1KF7l.js",
  "/assets/index-DMy_n6_2.css",
];
/** The local stack's sign-in paths, which the deployed stack must not have. */
const LOCAL_PATHS = ["/local/sign-in", "/local/sign-in.js", "/local/token"];

let pipeline: Template;
let stateful: Template;
let config: DistributionConfig;
let nagFindings: string[];

const distributionConfig = (template: Template) =>
  (Object.values(template.findResources("AWS::CloudFront::Distribution"))[0] as Resource).Properties
    .DistributionConfig as DistributionConfig;
const logicalId = (template: Template, type: string, prefix: string) => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
const properties = (template: Template, type: string, prefix: string) =>
  (template.findResources(type)[logicalId(template, type, prefix)] as Resource).Properties;

beforeAll(() => {
  const app = new App({ context: { ...FEATURE_CONTEXT, "aws:cdk:bundling-stacks": [] } });
  const stacks = buildApp(app);
  pipeline = Template.fromStack(stacks.pipeline);
  stateful = Template.fromStack(stacks.stateful);
  config = distributionConfig(pipeline);
  nagFindings = [
    ...Annotations.fromStack(stacks.pipeline).findError(
      "*",
      Match.stringLikeRegexp("AwsSolutions-.*"),
    ),
    ...Annotations.fromStack(stacks.pipeline).findWarning(
      "*",
      Match.stringLikeRegexp("AwsSolutions-.*"),
    ),
  ].map((finding) => `${finding.id}: ${String(finding.entry.data).slice(0, 120)}`);
});

describe("the distribution", () => {
  it("serves the site bucket through origin access control, index.html at the root, and no error pages", () => {
    expect(config.DefaultRootObject).toBe("index.html");
    const site = config.Origins.find(
      (origin) => origin.Id === config.DefaultCacheBehavior.TargetOriginId,
    )!;
    expect(flatten(site.DomainName)).toMatch(/^<WebAppSite[0-9A-F]{8}\.RegionalDomainName>$/);
    // OAC, not the legacy origin access identity.
    expect(site.S3OriginConfig).toEqual({ OriginAccessIdentity: "" });
    const oac = logicalId(pipeline, "AWS::CloudFront::OriginAccessControl", "WebApp");
    expect(site.OriginAccessControlId).toEqual({ "Fn::GetAtt": [oac, "Id"] });
    expect(
      properties(pipeline, "AWS::CloudFront::OriginAccessControl", "WebApp")
        .OriginAccessControlConfig,
    ).toMatchObject({
      OriginAccessControlOriginType: "s3",
      SigningBehavior: "always",
      SigningProtocol: "sigv4",
    });
    // An error page would also replace the API's answers (a 403 becoming index.html).
    expect(config.CustomErrorResponses).toBeUndefined();
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(["GET", "HEAD"]);
  });

  it("sends every path of every route to the API, with caching disabled, every method, and Authorization and the query string but not Host", () => {
    const api = config.Origins.find((origin) => origin.CustomOriginConfig)!;
    expect(flatten(api.DomainName)).toMatch(
      /^<Api[0-9A-F]{8}>\.execute-api\.<AWS::Region>\.<AWS::URLSuffix>$/,
    );
    expect(api.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: "https-only",
      OriginSSLProtocols: ["TLSv1.2"],
    });
    const apiBehaviors = config.CacheBehaviors.filter(
      (behavior) => behavior.TargetOriginId === api.Id,
    );
    expect(apiBehaviors.map((behavior) => behavior.PathPattern).sort()).toEqual(
      apiPathPatterns(ROUTES),
    );
    for (const behavior of apiBehaviors) {
      expect(behavior).toMatchObject({
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        ViewerProtocolPolicy: "https-only",
      });
      expect(behavior.AllowedMethods.sort()).toEqual(
        ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"].sort(),
      );
    }
    // Every route, with any value in its parameters, reaches the API.
    for (const route of ROUTES) {
      for (const value of ["6f1c2a34-9b7e-4d2a-8f51-0c3e5a7b9d10", "2025-26", "x"]) {
        const path = route.path.replace(/\{[^}]+\}/g, value);
        expect(behaviorFor(config, path).TargetOriginId, path).toBe(api.Id);
      }
    }
    expect(behaviorFor(config, "/openapi.json").TargetOriginId).toBe(api.Id);
  });

  it("serves every app path from the bucket, never from the API", () => {
    for (const path of APP_PATHS) {
      expect(behaviorFor(config, path).TargetOriginId, path).toBe(
        config.DefaultCacheBehavior.TargetOriginId,
      );
    }
    // /health answers on the local stack only: in AWS it is no route, so no behaviour.
    expect(ROUTES.some((route) => route.path === "/health")).toBe(false);
    expect(
      config.CacheBehaviors.some((behavior) => matches(behavior.PathPattern!, "/health")),
    ).toBe(false);
  });

  it("has no local sign-in: no behaviour for /local, whose paths fall to the bucket, which holds none", () => {
    for (const behavior of config.CacheBehaviors) {
      expect(behavior.PathPattern!.startsWith("/local")).toBe(false);
    }
    for (const path of LOCAL_PATHS) {
      expect(behaviorFor(config, path)).toBe(config.DefaultCacheBehavior);
    }
  });

  it("revalidates the shell and index.html on every request and caches hashed assets for a year", () => {
    const shell = config.DefaultCacheBehavior;
    const index = behaviorFor(config, "/index.html");
    expect(index.PathPattern).toBe("/index.html");
    expect(index.CachePolicyId).toEqual(shell.CachePolicyId);
    expect(index.ResponseHeadersPolicyId).toEqual(shell.ResponseHeadersPolicyId);
    const shortCache = properties(pipeline, "AWS::CloudFront::CachePolicy", "WebAppShortCache")
      .CachePolicyConfig as Record<string, unknown>;
    expect(shortCache).toMatchObject({ DefaultTTL: 0, MinTTL: 0, MaxTTL: 60 });
    expect(shell.CachePolicyId).toEqual({
      Ref: logicalId(pipeline, "AWS::CloudFront::CachePolicy", "WebAppShortCache"),
    });
    const assets = behaviorFor(config, "/assets/index-DyU1KF7l.js");
    expect(assets.PathPattern).toBe("/assets/*");
    expect(assets.CachePolicyId).toBe(CACHING_OPTIMIZED);
    const cacheControl = (prefix: string) =>
      (
        properties(pipeline, "AWS::CloudFront::ResponseHeadersPolicy", prefix)
          .ResponseHeadersPolicyConfig as {
          CustomHeadersConfig: {
            Items: Array<{ Header: string; Value: string; Override: boolean }>;
          };
        }
      ).CustomHeadersConfig.Items.find((item) => item.Header === "Cache-Control");
    expect(cacheControl("WebAppShellHeaders")).toEqual({
      Header: "Cache-Control",
      Value: "no-cache",
      Override: true,
    });
    expect(cacheControl("WebAppAssetHeaders")?.Value).toBe("public, max-age=31536000, immutable");
  });

  it("logs requests to a private bucket and serves the countries the district allows", () => {
    expect(flatten(config.Logging?.Bucket)).toMatch(
      /^<WebAppAccessLogs[0-9A-F]{8}\.RegionalDomainName>$/,
    );
    expect(config.Restrictions.GeoRestriction).toEqual({
      RestrictionType: "whitelist",
      Locations: ["US"],
    });
  });
});

describe("the security headers", () => {
  const headerPolicy = (prefix: string) =>
    (
      properties(pipeline, "AWS::CloudFront::ResponseHeadersPolicy", prefix)
        .ResponseHeadersPolicyConfig as {
        SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      }
    ).SecurityHeadersConfig;

  it("give the app the agreed strict CSP with the Cognito origins in connect-src and form-action", () => {
    for (const prefix of ["WebAppShellHeaders", "WebAppAssetHeaders"]) {
      const csp = headerPolicy(prefix).ContentSecurityPolicy!;
      expect(csp.Override).toBe(true);
      const domain = logicalId(pipeline, "AWS::Cognito::UserPoolDomain", "WebApp");
      const cognito = `https://cognito-idp.<AWS::Region>.<AWS::URLSuffix> https://<${domain}>.auth.<AWS::Region>.amazoncognito.com`;
      expect(flatten(csp.ContentSecurityPolicy)).toBe(
        [
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self'",
          "img-src 'self' data:",
          `connect-src 'self' ${cognito}`,
          "frame-ancestors 'none'",
          "base-uri 'self'",
          `form-action 'self' ${cognito}`,
          "object-src 'none'",
        ].join("; "),
      );
      // No inline script or style, and nothing evaluated, anywhere in it.
      expect(flatten(csp.ContentSecurityPolicy)).not.toMatch(/unsafe|\*|http:/);
    }
    // The local stack's policy is the same with no Cognito origin.
    expect(appContentSecurityPolicy()).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
    );
  });

  it("give every response HSTS for two years with subdomains, DENY framing, nosniff and no referrer", () => {
    for (const prefix of ["WebAppShellHeaders", "WebAppAssetHeaders", "WebAppApiHeaders"]) {
      const headers = headerPolicy(prefix);
      expect(headers.StrictTransportSecurity).toEqual({
        AccessControlMaxAgeSec: TWO_YEARS,
        IncludeSubdomains: true,
        Override: true,
      });
      expect(headers.FrameOptions).toEqual({ FrameOption: "DENY", Override: true });
      expect(headers.ContentTypeOptions).toEqual({ Override: true });
      expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: "no-referrer", Override: true });
    }
  });

  it("keep a CSP the API sets itself (the board page's) and give its JSON one that allows nothing", () => {
    expect(headerPolicy("WebAppApiHeaders").ContentSecurityPolicy).toEqual({
      ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
      Override: false,
    });
    const apiPolicy = logicalId(
      pipeline,
      "AWS::CloudFront::ResponseHeadersPolicy",
      "WebAppApiHeaders",
    );
    const shellPolicy = logicalId(
      pipeline,
      "AWS::CloudFront::ResponseHeadersPolicy",
      "WebAppShellHeaders",
    );
    for (const behavior of config.CacheBehaviors) {
      const api = behavior.CachePolicyId === CACHING_DISABLED;
      expect(behavior.ResponseHeadersPolicyId).toEqual({
        Ref: api ? apiPolicy : expect.any(String),
      });
    }
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: shellPolicy });
  });
});

describe("the site bucket", () => {
  it("is private, TLS-only, versioned and logged, and only this distribution may read it", () => {
    const bucket = properties(pipeline, "AWS::S3::Bucket", "WebAppSite");
    expect(bucket).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: "Enabled" },
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
        ],
      },
    });
    expect(
      flatten(
        (bucket.LoggingConfiguration as { DestinationBucketName: unknown }).DestinationBucketName,
      ),
    ).toMatch(/^<WebAppAccessLogs/);
    expect(bucket.WebsiteConfiguration).toBeUndefined();
    const policy = properties(pipeline, "AWS::S3::BucketPolicy", "WebAppSitePolicy")
      .PolicyDocument as {
      Statement: Array<{
        Effect: string;
        Principal: unknown;
        Action: string | string[];
        Condition?: Record<string, Record<string, unknown>>;
      }>;
    };
    const allows = policy.Statement.filter((statement) => statement.Effect === "Allow");
    expect(allows).toHaveLength(1);
    expect(allows[0]!.Principal).toEqual({ Service: "cloudfront.amazonaws.com" });
    expect(allows[0]!.Action).toBe("s3:GetObject");
    const distribution = logicalId(pipeline, "AWS::CloudFront::Distribution", "WebApp");
    expect(flatten(allows[0]!.Condition!.StringEquals!["AWS:SourceArn"])).toBe(
      `arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${distribution}>`,
    );
    const denies = policy.Statement.filter((statement) => statement.Effect === "Deny");
    expect(JSON.stringify(denies)).toContain('"aws:SecureTransport":"false"');
  });

  it("deploys the build and config.json, pruning whatever the build no longer has", () => {
    const deployment = properties(pipeline, "Custom::CDKBucketDeployment", "WebAppDeploy");
    expect(deployment.Prune).toBe(true);
    expect(flatten(deployment.DestinationBucketName)).toMatch(/^<WebAppSite[0-9A-F]{8}>$/);
    expect(deployment.SourceObjectKeys).toHaveLength(2);
    // No invalidation: its grant would be on every distribution of the account.
    expect(deployment.DistributionId).toBeUndefined();
  });

  it("prints the site's URL and the custom domain's DNS target under plain names", () => {
    const outputs = pipeline.toJSON().Outputs as Record<string, { Value: unknown }>;
    const distribution = logicalId(pipeline, "AWS::CloudFront::Distribution", "WebApp");
    expect(flatten(outputs.WebAppUrl?.Value)).toBe(`https://<${distribution}.DomainName>/`);
    expect(flatten(outputs.WebAppDistributionDomain?.Value)).toBe(`<${distribution}.DomainName>`);
    expect(outputs.WebClientId?.Value).toEqual({
      Ref: logicalId(pipeline, "AWS::Cognito::UserPoolClient", "WebApp"),
    });
  });

  it("passes cdk-nag with the default domain, suppressing only the TLS and WAF rules on the distribution", () => {
    expect(nagFindings).toEqual([]);
  });
});

describe("sign-in", () => {
  it("is Cognito managed login, version 2, with a branding style for the web client, on an Essentials pool", () => {
    const domain = properties(pipeline, "AWS::Cognito::UserPoolDomain", "WebApp");
    expect(domain).toMatchObject({ Domain: "district-sro", ManagedLoginVersion: 2 });
    const client = logicalId(pipeline, "AWS::Cognito::UserPoolClient", "WebApp");
    expect(properties(pipeline, "AWS::Cognito::ManagedLoginBranding", "WebApp")).toMatchObject({
      ClientId: { Ref: client },
      UseCognitoProvidedValues: true,
    });
    stateful.hasResourceProperties("AWS::Cognito::UserPool", { UserPoolTier: "ESSENTIALS" });
  });

  it("gives the web app a public client: authorization code only, no secret, redirects to the site alone", () => {
    const client = properties(pipeline, "AWS::Cognito::UserPoolClient", "WebApp");
    const distribution = logicalId(pipeline, "AWS::CloudFront::Distribution", "WebApp");
    const site = `https://<${distribution}.DomainName>/`;
    expect(client).toMatchObject({
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthScopes: ["openid", "profile", "email"],
      GenerateSecret: false,
      SupportedIdentityProviders: ["COGNITO"],
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      WriteAttributes: ["email"],
      ReadAttributes: ["custom:schoolIds", "email"].sort(),
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: "ENABLED",
    });
    expect((client.CallbackURLs as unknown[]).map(flatten)).toEqual([site]);
    expect((client.LogoutURLs as unknown[]).map(flatten)).toEqual([site]);
  });

  it("has the API's authorizer and the restricted read accept the web client's tokens beside the form's", () => {
    const client = logicalId(pipeline, "AWS::Cognito::UserPoolClient", "WebApp");
    const authorizer = Object.values(
      pipeline.findResources("AWS::ApiGatewayV2::Authorizer"),
    )[0] as Resource;
    const { Audience } = authorizer.Properties.JwtConfiguration as { Audience: unknown[] };
    expect(Audience).toContainEqual({ Ref: client });
    expect(Audience).toHaveLength(2);
  });
});

describe("context", () => {
  const settings = (context: Record<string, unknown>) =>
    webAppSettings((key) => context[key], "Example-USD");

  it("defaults to the district's prefix, the US and no custom domain or WAF", () => {
    expect(settings({})).toEqual({ authDomainPrefix: "example-usd-sro", allowedCountries: ["US"] });
    expect(
      settings({
        authDomainPrefix: "lausd-reports",
        webDomain: "SRO.District.example",
        webCertificateArn:
          "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
        webCountries: "us, pr",
        webAclArn:
          "arn:aws:wafv2:us-east-1:123456789012:global/webacl/sro/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
      }),
    ).toEqual({
      authDomainPrefix: "lausd-reports",
      customDomain: {
        domainName: "sro.district.example",
        certificateArn:
          "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
      },
      allowedCountries: ["US", "PR"],
      webAclArn:
        "arn:aws:wafv2:us-east-1:123456789012:global/webacl/sro/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    });
  });

  it.each([
    [{ webDomain: "sro.district.example" }, /go together/],
    [
      {
        webCertificateArn:
          "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
      },
      /go together/,
    ],
    [
      {
        webDomain: "sro.district.example",
        webCertificateArn:
          "arn:aws:acm:us-west-2:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
      },
      /us-east-1/,
    ],
    [
      {
        webDomain: "https://sro.district.example/",
        webCertificateArn:
          "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
      },
      /DNS name/,
    ],
    [{ authDomainPrefix: "my-aws-sro" }, /authDomainPrefix/],
    [{ authDomainPrefix: "cognito" }, /authDomainPrefix/],
    [{ authDomainPrefix: "-sro" }, /authDomainPrefix/],
    [{ authDomainPrefix: "a".repeat(64) }, /authDomainPrefix/],
    [{ webCountries: "USA" }, /webCountries/],
    [{ webCountries: "US,,CA" }, /webCountries/],
    [
      {
        webAclArn:
          "arn:aws:wafv2:us-west-2:123456789012:regional/webacl/sro/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
      },
      /webAclArn/,
    ],
  ])("refuses %j at synth", (context, message) => {
    expect(() => settings(context)).toThrow(message);
  });
});

describe("context values of any shape (fast-check)", () => {
  const KEYS = ["authDomainPrefix", "webDomain", "webCertificateArn", "webCountries", "webAclArn"];
  const hostile = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: "grapheme", maxLength: 80 }),
    fc.constantFrom(
      "district-sro; script-src *",
      "sro.district.example\r\nX-Evil: 1",
      "sro.district.example/ https://evil.example",
      "'unsafe-inline'",
      "US,*",
      "a".repeat(5000),
      "..",
      "xn--80ak6aa92e.com",
    ),
    fc.integer(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
  );

  it("either refuses a value with a fixed message that quotes nothing, or keeps it to a strict alphabet", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), hostile), (context) => {
        let settings: ReturnType<typeof webAppSettings>;
        try {
          settings = webAppSettings((key) => context[key], "district");
        } catch (error) {
          const message = (error as Error).message;
          expect(message).toMatch(
            /^context (authDomainPrefix|webDomain|webCertificateArn|webCountries|webAclArn)\b/,
          );
          for (const value of Object.values(context)) {
            const text = String(value);
            // A value long enough to mean anything is never echoed back.
            if (text.length >= 8) expect(message).not.toContain(text);
          }
          return;
        }
        // What reaches the CSP header, the callback URLs and CloudFront has
        // nothing that could end a directive, a header or a URL's host.
        expect(settings.authDomainPrefix).toMatch(/^[a-z0-9-]{1,63}$/);
        expect(settings.customDomain?.domainName ?? "a.b").toMatch(/^[a-z0-9.-]{3,253}$/);
        for (const code of settings.allowedCountries) expect(code).toMatch(/^[A-Z]{2}$/);
        expect(settings.webAclArn ?? "arn:none").toMatch(/^arn:[a-z0-9:/_-]+$/i);
      }),
      { numRuns: 500 },
    );
  });

  it("routes every path of any route set to the API, and no app path, unless a route claims its first segment", () => {
    const segment = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
    const routePath = fc
      .array(
        fc.oneof(
          segment,
          segment.map((name) => `{${name}}`),
        ),
        { minLength: 1, maxLength: 4 },
      )
      .filter((parts) => !parts[0]!.startsWith("{"))
      .map((parts) => `/${parts.join("/")}`);
    fc.assert(
      fc.property(fc.array(routePath, { minLength: 1, maxLength: 12 }), (paths) => {
        const patterns = apiPathPatterns(
          paths.map(
            (path) => ({ method: "GET", path, function: "openapi" }) as (typeof ROUTES)[number],
          ),
        );
        const toApi = (path: string) => patterns.some((pattern) => matches(pattern, path));
        for (const path of paths) expect(toApi(path.replace(/\{[^}]+\}/g, "x1"))).toBe(true);
        const claimed = new Set(paths.map((path) => path.split("/")[1]));
        for (const path of APP_PATHS) {
          const first = path.split("/")[1]!;
          if (!claimed.has(first)) expect(toApi(path), path).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** The web app alone in a stack of its own, checked by cdk-nag like the real stacks. */
const webStack = (
  context: Record<string, unknown>,
  options: { bundle?: boolean; outdir?: string } = {},
) => {
  const app = new App({
    context: {
      ...FEATURE_CONTEXT,
      ...(options.bundle ? {} : { "aws:cdk:bundling-stacks": [] }),
      ...context,
    },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const stack = new Stack(app, "Web", { env: { account: "123456789012", region: "us-west-2" } });
  new WebApp(stack, "WebApp", {
    settings: webAppSettings((key) => app.node.tryGetContext(key), "district"),
    api: new HttpApi(stack, "Api"),
    routes: ROUTES,
    userPool: new UserPool(stack, "Users"),
    tokenIssuer: "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_Example",
    timeZone: "America/Los_Angeles",
    logRetention: RetentionDays.ONE_YEAR,
    accessLogDays: 400,
  });
  Aspects.of(app).add(new AwsSolutionsChecks());
  const annotations = Annotations.fromStack(stack);
  // The stand-in pool and API are not the project's; the web app's findings are.
  const findings = [
    ...annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")),
    ...annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")),
  ]
    .filter((finding) => /^\/Web\/(WebApp|Custom::CDKBucketDeployment)/.test(finding.id))
    .map((finding) => `${finding.id}: ${String(finding.entry.data).slice(0, 120)}`);
  return { app, stack, template: Template.fromStack(stack), findings };
};

describe("a custom domain (context webDomain, webCertificateArn)", () => {
  it("serves the site at that name with its certificate and TLS 1.2 at least, which cdk-nag needs no suppression for", () => {
    const certificateArn =
      "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
    const { template, findings } = webStack({
      webDomain: "sro.district.example",
      webCertificateArn: certificateArn,
      webAclArn:
        "arn:aws:wafv2:us-east-1:123456789012:global/webacl/sro/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
      webCountries: "US,PR",
    });
    const custom = distributionConfig(template);
    expect(custom.Aliases).toEqual(["sro.district.example"]);
    expect(custom.ViewerCertificate).toEqual({
      AcmCertificateArn: certificateArn,
      MinimumProtocolVersion: "TLSv1.2_2021",
      SslSupportMethod: "sni-only",
    });
    expect(custom.WebACLId).toMatch(/:global\/webacl\/sro\//);
    expect(custom.Restrictions.GeoRestriction.Locations).toEqual(["US", "PR"]);
    const client = Object.values(
      template.findResources("AWS::Cognito::UserPoolClient"),
    )[0] as Resource;
    expect(client.Properties.CallbackURLs).toEqual(["https://sro.district.example/"]);
    expect(client.Properties.LogoutURLs).toEqual(["https://sro.district.example/"]);
    expect(findings).toEqual([]);
    // Nothing to suppress: the distribution carries no suppression of the TLS or WAF rule.
    const metadata = JSON.stringify(
      Object.values(template.findResources("AWS::CloudFront::Distribution"))[0],
    );
    expect(metadata).not.toContain("AwsSolutions-CFR4");
    expect(metadata).not.toContain("AwsSolutions-CFR2");
  });

  it("without one, suppresses the TLS rule on the default certificate, and cdk-nag finds it", () => {
    const { template, findings } = webStack({});
    expect(findings).toEqual([]);
    const distribution = Object.values(
      template.findResources("AWS::CloudFront::Distribution"),
    )[0] as {
      Metadata: { cdk_nag: { rules_to_suppress: Array<{ id: string; reason: string }> } };
    };
    expect(distribution.Metadata.cdk_nag.rules_to_suppress.map((rule) => rule.id).sort()).toEqual([
      "AwsSolutions-CFR2",
      "AwsSolutions-CFR4",
    ]);
  });
});

describe("the deployed files (bundled as cdk synth does, without Docker)", () => {
  let outdir: string;
  let files: Map<string, string>;
  let appConfig: unknown;

  /** Every file under a folder, by its path relative to it. */
  const listFiles = (root: string): string[] =>
    readdirSync(root).flatMap((name) => {
      const path = join(root, name);
      return statSync(path).isDirectory()
        ? listFiles(path).map((inner) => `${name}/${inner}`)
        : [name];
    });

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "sro-web-asset-"));
    const { template, app } = webStack({}, { bundle: true, outdir });
    app.synth();
    const deployment = Object.values(
      template.findResources("Custom::CDKBucketDeployment"),
    )[0] as Resource;
    const keys = deployment.Properties.SourceObjectKeys as string[];
    const markers = deployment.Properties.SourceMarkers as
      | Array<Record<string, unknown>>
      | undefined;
    const folders = keys.map((key) => join(outdir, `asset.${key.replace(/\.zip$/, "")}`));
    files = new Map();
    for (const [index, folder] of folders.entries()) {
      expect(existsSync(folder), relative(outdir, folder)).toBe(true);
      for (const file of listFiles(folder)) {
        expect(files.has(file), `${file} is in two sources`).toBe(false);
        files.set(file, join(folders[index]!, file));
      }
      if (listFiles(folder).includes("config.json")) {
        let text = readFileSync(join(folder, "config.json"), "utf8");
        for (const [marker, value] of Object.entries(markers?.[index] ?? {})) {
          text = text.split(marker).join(flatten(value));
        }
        appConfig = JSON.parse(text);
      }
    }
  }, 180_000);
  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it("holds the built app shell", () => {
    for (const file of ["index.html", "sw.js", "manifest.webmanifest", "config.json"]) {
      expect(files.has(file), file).toBe(true);
    }
    const scripts = [...files.keys()].filter((file) => /^assets\/.+\.js$/.test(file));
    expect(scripts.length).toBeGreaterThan(0);
    const index = readFileSync(files.get("index.html")!, "utf8");
    expect(index).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"/);
    // The CSP forbids inline script: the page has none.
    expect(index).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it("holds no local sign-in page, script or any other local-only file", () => {
    const local = [...files.keys()].filter(
      (file) => file.startsWith("local/") || file === "local" || /sign-in/.test(file),
    );
    expect(local).toEqual([]);
    for (const [file, path] of files) {
      if (!/\.(html|js|webmanifest)$/.test(file)) continue;
      // Not even a link to one: the app signs in locally only when config.json says so.
      expect(readFileSync(path, "utf8"), file).not.toContain("/local/sign-in.js");
    }
  });

  it("and web/dist, as npm run build:web makes it for the local stack, has no local sign-in file either", async () => {
    await buildWebOnce();
    const built = listFiles(WEB_DIST);
    expect(built).toContain("index.html");
    expect(built.filter((file) => file.startsWith("local/") || /sign-in/.test(file))).toEqual([]);
  }, 240_000);

  it("serves config.json of kind oidc with the pool's issuer, the web client and the site's URLs", () => {
    expect(appConfig).toEqual({
      auth: {
        kind: "oidc",
        authority: "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_Example",
        clientId: expect.stringMatching(/^<WebAppWebClient[0-9A-F]{8}>$/),
        redirectUri: expect.stringMatching(
          /^https:\/\/<WebAppDistribution[0-9A-F]{8}\.DomainName>\/$/,
        ),
        logoutUri: expect.stringMatching(
          /^https:\/\/<WebAppDistribution[0-9A-F]{8}\.DomainName>\/$/,
        ),
        managedLoginDomain: expect.stringMatching(
          /^https:\/\/<WebAppSignInDomain[0-9A-F]{8}>\.auth\.us-west-2\.amazoncognito\.com$/,
        ),
      },
      timeZone: "America/Los_Angeles",
    });
  });
});
