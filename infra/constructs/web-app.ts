import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AssetHashType,
  Aws,
  CfnOutput,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
} from "aws-cdk-lib";
import type { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import { Certificate } from "aws-cdk-lib/aws-certificatemanager";
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  GeoRestriction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  type ResponseSecurityHeadersBehavior,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { HttpOrigin, S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import {
  CfnManagedLoginBranding,
  ClientAttributes,
  type IUserPool,
  ManagedLoginVersion,
  OAuthScope,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
} from "aws-cdk-lib/aws-cognito";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, Source } from "aws-cdk-lib/aws-s3-deployment";
import { NagSuppressions } from "cdk-nag";
import { Construct } from "constructs";
import { AUTH, type RouteDeclaration } from "../../resources/declarations.ts";
import { appContentSecurityPolicy, HSTS_MAX_AGE_SECONDS } from "../web-headers.ts";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Where the web client lives (contracts section 7, agreed between its engineers). */
export const WEB_ROOT = join(projectRoot, "web");
export const WEB_VITE_CONFIG = join(WEB_ROOT, "vite.config.ts");

/** The district's choices for the deployed web app, from CDK context, checked at synth. */
export interface WebAppSettings {
  /** The Cognito domain prefix: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly authDomainPrefix: string;
  /** The site's own name and its ACM certificate (us-east-1); without one, CloudFront's name. */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  /** ISO 3166-1 alpha-2 codes CloudFront serves; everyone else gets a 403. */
  readonly allowedCountries: readonly string[];
  /** An existing WAF web ACL (scope CLOUDFRONT, so in us-east-1) to attach. */
  readonly webAclArn?: string;
}

const DOMAIN_NAME = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
// CloudFront takes viewer certificates from us-east-1 only.
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
const WEB_ACL_ARN =
  /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]{1,128}\/[0-9a-f-]{36}$/;
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Reads and checks the web app's context: `authDomainPrefix` (default
 * `<districtId>-sro`), `webDomain` with `webCertificateArn` (both or
 * neither), `webCountries` (comma-separated, default `US`) and `webAclArn`.
 * A bad value fails the synth, not the deploy.
 */
export const webAppSettings = (
  context: (key: string) => unknown,
  districtId: string,
): WebAppSettings => {
  const text = (key: string) => {
    const value = context(key);
    return value === undefined || value === null || value === "" ? undefined : String(value);
  };
  const authDomainPrefix = (text("authDomainPrefix") ?? `${districtId}-sro`).toLowerCase();
  // Cognito refuses prefixes with these words in them.
  if (!DOMAIN_PREFIX.test(authDomainPrefix) || /aws|amazon|cognito/.test(authDomainPrefix)) {
    throw new Error(
      "context authDomainPrefix must be 1-63 lowercase letters, digits or inner hyphens, without aws, amazon or cognito",
    );
  }
  const domainName = text("webDomain")?.toLowerCase();
  const certificateArn = text("webCertificateArn");
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new Error("context webDomain and webCertificateArn go together: give both or neither");
  }
  if (domainName !== undefined && !DOMAIN_NAME.test(domainName)) {
    throw new Error("context webDomain must be a DNS name such as sro.district.example");
  }
  if (certificateArn !== undefined && !CERTIFICATE_ARN.test(certificateArn)) {
    throw new Error("context webCertificateArn must be an ACM certificate ARN in us-east-1");
  }
  const allowedCountries = (text("webCountries") ?? "US")
    .split(",")
    .map((code) => code.trim().toUpperCase());
  if (allowedCountries.some((code) => !/^[A-Z]{2}$/.test(code))) {
    throw new Error("context webCountries must be ISO 3166-1 alpha-2 codes, comma-separated");
  }
  const webAclArn = text("webAclArn");
  if (webAclArn !== undefined && !WEB_ACL_ARN.test(webAclArn)) {
    throw new Error(
      "context webAclArn must be a WAFv2 web ACL ARN of scope CLOUDFRONT (us-east-1)",
    );
  }
  return {
    authDomainPrefix,
    allowedCountries,
    ...(domainName && certificateArn ? { customDomain: { domainName, certificateArn } } : {}),
    ...(webAclArn ? { webAclArn } : {}),
  };
};

/**
 * CloudFront path patterns that send a request to the API: for every route's
 * first segment, the exact path where a route has it and `/<segment>/*` where
 * a route goes deeper. Derived from ROUTES, so a new route is served through
 * the distribution without anyone remembering to add it here.
 */
export const apiPathPatterns = (routes: readonly RouteDeclaration[]): string[] => {
  const patterns = new Set<string>();
  for (const { path } of routes) {
    const [first, ...rest] = path.split("/").filter(Boolean);
    if (!first) throw new Error(`route ${path} has no path segment to route by`);
    patterns.add(rest.length === 0 ? `/${first}` : `/${first}/*`);
  }
  return [...patterns].sort();
};

const HSTS_MAX_AGE = Duration.seconds(HSTS_MAX_AGE_SECONDS);

export interface WebAppProps {
  readonly settings: WebAppSettings;
  readonly api: HttpApi;
  readonly routes: readonly RouteDeclaration[];
  readonly userPool: IUserPool;
  /** The user pool's issuer URL, the OIDC authority. */
  readonly tokenIssuer: string;
  readonly timeZone: string;
  readonly logRetention: RetentionDays;
  /** Days CloudFront and S3 access logs are kept. */
  readonly accessLogDays: number;
}

/**
 * The officers' and district staff's web app in AWS: the built client in a
 * private bucket behind CloudFront (origin access control), the HTTP API on
 * the same distribution for every API path (same origin: no CORS, no token
 * in a URL), strict security headers, and Cognito managed login with a public
 * app client (authorization code + PKCE).
 *
 * It lives in the stack that owns the API: the client's callback URL names
 * the distribution, the distribution's second origin is the API, and the
 * API's authorizer accepts the client's tokens, so any split across stacks
 * would be a cycle.
 */
export class WebApp extends Construct {
  readonly distribution: Distribution;
  readonly bucket: Bucket;
  readonly client: UserPoolClient;
  readonly domain: UserPoolDomain;
  /** `https://<site>/`: the redirect and sign-out URL. */
  readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    const { settings } = props;
    const stack = Stack.of(this);

    // Receives CloudFront's standard logs, which need ACLs, and the site
    // bucket's server access logs. Neither format may target an SSE-KMS bucket.
    const logs = new Bucket(this, "AccessLogs", {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogDays) }],
    });
    // cdk-nag's S1 counts a bucket that receives another's access logs as logged.

    // SSE-S3, not KMS: with OAC, an SSE-KMS origin needs the key policy to
    // name the distribution, and the distribution needs the bucket, so on a
    // first deploy CloudFormation can only grant the key to every
    // distribution of the account. With SSE-S3 the one grant is the bucket
    // policy, naming exactly this distribution. The objects are the app's
    // public code and its public sign-in settings, nothing more.
    this.bucket = new Bucket(this, "Site", {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: "site/",
      removalPolicy: RemovalPolicy.RETAIN,
      // Earlier builds stay a while for a rollback, then go.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
    });

    // The managed login domain comes first: the CSP names it.
    this.domain = new UserPoolDomain(this, "SignInDomain", {
      userPool: props.userPool,
      cognitoDomain: { domainPrefix: settings.authDomainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const managedLoginOrigin = this.domain.baseUrl();
    const issuerOrigin = `https://cognito-idp.${stack.region}.${Aws.URL_SUFFIX}`;

    const securityHeaders = (
      contentSecurityPolicy: string,
      cspOverride: boolean,
    ): ResponseSecurityHeadersBehavior => ({
      contentSecurityPolicy: { contentSecurityPolicy, override: cspOverride },
      strictTransportSecurity: {
        accessControlMaxAge: HSTS_MAX_AGE,
        includeSubdomains: true,
        override: true,
      },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      contentTypeOptions: { override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
    });
    const appCsp = appContentSecurityPolicy([issuerOrigin, managedLoginOrigin]);
    const appHeaders = (id: string, cacheControl: string) =>
      new ResponseHeadersPolicy(this, id, {
        comment: `SRO web app: security headers, Cache-Control ${cacheControl}`,
        securityHeadersBehavior: securityHeaders(appCsp, true),
        customHeadersBehavior: {
          customHeaders: [{ header: "Cache-Control", value: cacheControl, override: true }],
        },
      });
    // Pages, the service worker, config.json and the manifest: browsers
    // revalidate every time (an ETag makes that a 304), so a deploy applies
    // on the next load.
    const shellHeaders = appHeaders("ShellHeaders", "no-cache");
    // Vite names every file under assets/ by its content hash.
    const assetHeaders = appHeaders("AssetHeaders", "public, max-age=31536000, immutable");
    // API answers keep a CSP they set themselves (the board page has its
    // own); JSON gets one that allows nothing.
    const apiHeaders = new ResponseHeadersPolicy(this, "ApiHeaders", {
      comment: "SRO API through CloudFront: security headers; a CSP only where the API set none",
      securityHeadersBehavior: securityHeaders("default-src 'none'; frame-ancestors 'none'", false),
    });
    // A short edge cache: with no Cache-Control from S3 the edge revalidates
    // each request, so a deploy needs no invalidation (BucketDeployment can
    // only grant that on every distribution of the account).
    const shortCache = new CachePolicy(this, "ShortCache", {
      comment: "SRO web app shell: revalidated with S3 on every request, at most a minute old",
      defaultTtl: Duration.seconds(0),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.minutes(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const site = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const shell: BehaviorOptions = {
      origin: site,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: shortCache,
      responseHeadersPolicy: shellHeaders,
      compress: true,
    };
    const apiOrigin = new HttpOrigin(
      `${props.api.apiId}.execute-api.${stack.region}.${Aws.URL_SUFFIX}`,
      {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      },
    );
    // Never cached; every method; the viewer's headers (Authorization,
    // Content-Type, X-Access-Reason) and query string, but not Host, which
    // API Gateway needs to be its own. A custom origin request policy cannot
    // name Authorization (CloudFront refuses it unless it is in the cache
    // key); the managed policy forwards it when caching is disabled.
    const api: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: apiHeaders,
    };
    const { customDomain } = settings;
    // No custom error responses: they would apply to the API's answers too.
    this.distribution = new Distribution(this, "Distribution", {
      comment: "SRO web app and API, one origin",
      defaultRootObject: "index.html",
      defaultBehavior: shell,
      additionalBehaviors: {
        "/index.html": shell,
        "/assets/*": {
          ...shell,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: assetHeaders,
        },
        ...Object.fromEntries(apiPathPatterns(props.routes).map((pattern) => [pattern, api])),
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      geoRestriction: GeoRestriction.allowlist(...settings.allowedCountries),
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: "cloudfront/",
      ...(settings.webAclArn ? { webAclId: settings.webAclArn } : {}),
      ...(customDomain
        ? {
            domainNames: [customDomain.domainName],
            certificate: Certificate.fromCertificateArn(
              this,
              "Certificate",
              customDomain.certificateArn,
            ),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    const suppressions = [];
    if (!customDomain) {
      suppressions.push({
        id: "AwsSolutions-CFR4",
        reason:
          "Without context webDomain the site uses CloudFront's default *.cloudfront.net certificate, whose minimum protocol CloudFront fixes at TLSv1; a district that needs TLS 1.2 at least gives webDomain and webCertificateArn (README, Deploying).",
      });
    }
    if (!settings.webAclArn) {
      suppressions.push({
        id: "AwsSolutions-CFR2",
        reason:
          "A WAF web ACL for CloudFront must live in us-east-1, while this stack lives in the district's region; context webAclArn attaches one the district keeps there. Every API path needs a Cognito token and the stage is throttled.",
      });
    }
    if (suppressions.length > 0) {
      NagSuppressions.addResourceSuppressions(this.distribution, suppressions);
    }

    const siteName = customDomain?.domainName ?? this.distribution.distributionDomainName;
    this.siteUrl = `https://${siteName}/`;

    // A public client: no secret, the authorization code grant only (the app
    // sends a PKCE challenge), and no redirect anywhere but the site itself.
    this.client = new UserPoolClient(this, "WebClient", {
      userPool: props.userPool,
      generateSecret: false,
      // Managed login signs in with SRP; refresh is always allowed.
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        // The ID token, which the app sends as the bearer token, carries every
        // attribute the client may read (groups, custom:schoolIds) with openid
        // alone; the app also asks for profile and email (its own attributes
        // at userInfo), and Cognito refuses a request for a scope not listed.
        scopes: [OAuthScope.OPENID, OAuthScope.PROFILE, OAuthScope.EMAIL],
        callbackUrls: [this.siteUrl],
        logoutUrls: [this.siteUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      // Users may not change their own role or schools: no custom attribute is writable.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true }),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true })
        .withCustomAttributes(AUTH.schoolIdsAttribute),
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // About a shift: after that the officer signs in again.
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    // Managed login (version 2) shows no page for a client without a style;
    // Cognito's own style until the district brands it in the console.
    const branding = new CfnManagedLoginBranding(this, "SignInBranding", {
      userPoolId: props.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    branding.node.addDependency(this.domain);

    // The app reads this at start (contracts section 7, kind "oidc").
    const config = {
      auth: {
        kind: "oidc",
        authority: props.tokenIssuer,
        clientId: this.client.userPoolClientId,
        redirectUri: this.siteUrl,
        logoutUri: this.siteUrl,
        managedLoginDomain: managedLoginOrigin,
      },
      timeZone: props.timeZone,
    };
    const deployment = new BucketDeployment(this, "Deploy", {
      sources: [webClientBuild(), Source.jsonData("config.json", config)],
      destinationBucket: this.bucket,
      // The bucket holds exactly the build: a file the app no longer has goes.
      prune: true,
      memoryLimit: 512,
      logGroup: new LogGroup(this, "DeployLogs", {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    });
    this.suppressDeploymentFindings(deployment);

    // Named plainly, so `cdk deploy` prints `WebAppUrl = https://...`.
    const outputs: Array<[string, string, string]> = [
      ["WebAppUrl", "Open the web app here", this.siteUrl],
      [
        "WebAppDistributionDomain",
        "Point a custom domain's DNS record (CNAME or alias) here",
        this.distribution.distributionDomainName,
      ],
      ["ManagedLoginDomain", "Cognito managed login", managedLoginOrigin],
      ["WebClientId", "The web app's Cognito app client", this.client.userPoolClientId],
    ];
    for (const [name, description, value] of outputs) {
      new CfnOutput(this, name, { description, value }).overrideLogicalId(name);
    }
  }

  /**
   * BucketDeployment's handler is CDK's own singleton function at the stack's
   * root, so its findings are suppressed where it is, each for its reason.
   */
  private suppressDeploymentFindings(deployment: BucketDeployment) {
    const stack = Stack.of(this);
    const handlers = stack.node.children.filter((child) =>
      child.node.id.startsWith("Custom::CDKBucketDeployment"),
    );
    for (const handler of handlers) {
      NagSuppressions.addResourceSuppressions(
        handler,
        [
          {
            id: "AwsSolutions-IAM4",
            reason:
              "CDK's deployment function writes its own logs through AWSLambdaBasicExecutionRole.",
            appliesTo: [
              "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            ],
          },
          {
            id: "AwsSolutions-IAM5",
            reason:
              "CDK's deployment function copies the build from the CDK asset bucket into the site bucket: object-level actions on those two buckets' objects, which CDK grants as action families.",
            appliesTo: [
              "Action::s3:GetObject*",
              "Action::s3:GetBucket*",
              "Action::s3:List*",
              "Action::s3:DeleteObject*",
              "Action::s3:Abort*",
              { regex: "/^Resource::arn:<AWS::Partition>:s3:::cdk-.*\\/\\*$/" },
              { regex: "/^Resource::<.*Site[A-Z0-9]+\\.Arn>\\/\\*$/" },
            ],
          },
          {
            id: "AwsSolutions-L1",
            reason:
              "The runtime of CDK's deployment function is chosen by aws-cdk-lib, which moves it forward with each release.",
          },
        ],
        true,
      );
    }
    return deployment;
  }
}

/**
 * The built client, made at synth without Docker: Vite builds web/ straight
 * into the asset's folder, so `cdk synth` on a fresh clone (after `npm
 * install`) and the infra tests build it the same way. The asset is hashed
 * by its output, so the shared/ code the client imports counts too.
 */
const webClientBuild = () =>
  Source.asset(WEB_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: the local build either succeeds or fails the synth.
      image: DockerImage.fromRegistry("node:24-slim"),
      local: {
        tryBundle(outputDir: string) {
          const vite = join(
            dirname(createRequire(import.meta.url).resolve("vite/package.json")),
            "bin",
            "vite.js",
          );
          const built = spawnSync(
            process.execPath,
            [vite, "build", "--config", WEB_VITE_CONFIG, "--outDir", outputDir, "--emptyOutDir"],
            { cwd: projectRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
          );
          if (built.status !== 0) {
            throw new Error(
              `building the web client (vite build --config web/vite.config.ts) failed:\n${`${built.stdout}\n${built.stderr}`.slice(-4000)}`,
            );
          }
          return true;
        },
      },
    },
  });
