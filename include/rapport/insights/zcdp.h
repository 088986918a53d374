// Zero-concentrated differential privacy (Bun and Steinke 2016) for account engagement's
// accounting (docs/privacy.md, "Accounting"): rho-zCDP releases compose by adding rho, and
// convert to (epsilon, delta)-DP. Public floating-point math, each result rounded towards more
// privacy.
#pragma once

namespace rapport::insights {

// The epsilon such that rho-zCDP implies (epsilon, delta)-DP, by Canonne, Kamath and Steinke 2020,
// Corollary 13: delta = inf_{a>1} exp((a-1)(a rho - eps)) / (a-1) * (1 - 1/a)^a. Never
// understated. rho >= 0, 0 < delta < 1; 0 for rho 0.
double EpsilonForRho(double rho, double delta);
// The largest rho with EpsilonForRho(rho, delta) <= epsilon, never overstated.
double RhoForEpsilon(double epsilon, double delta);

// Discrete Gaussian noise of variance sigma2 on a query of L2 sensitivity l2 is
// l2^2 / (2 sigma2)-zCDP; and the variance that gives rho.
double RhoOfGaussian(double l2, double sigma2);
double GaussianVariance(double l2, double rho);

}  // namespace rapport::insights
