"""OpenGPS: an open platform for the government purchase of services (政府购买服务)."""

__version__ = "0.1.0"
