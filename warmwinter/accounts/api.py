from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from warmwinter.accounts.authentication import login_check, login_record
from warmwinter.accounts.tokens import TOKEN_DAYS, token_issue


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    otp = serializers.CharField(required=False, allow_blank=True, help_text="TOTP code; required for county-level and higher roles")


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()
    expires_in_days = serializers.IntegerField()


class TokenThrottle(AnonRateThrottle):
    rate = "30/min"


class TokenObtain(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenRequest, responses={200: TokenResponse}, summary="Exchange username/password (+ otp) for a bearer token")
    def post(self, request):
        body = TokenRequest(data=request.data)
        body.is_valid(raise_exception=True)
        user = login_check(request=request, **body.validated_data)
        login_record(user=user, channel="api")
        return Response({"token": token_issue(user=user), "expires_in_days": TOKEN_DAYS}, status=status.HTTP_200_OK)


class MembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    role = serializers.CharField()
    role_name = serializers.CharField(source="get_role_display")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    memberships = MembershipSerializer(many=True)


class Me(APIView):
    @extend_schema(responses=MeSerializer, summary="The caller and their memberships")
    def get(self, request):
        user = request.user
        memberships = user.memberships.filter(active=True).select_related("region")
        return Response(MeSerializer({"username": user.username, "display_name": user.display_name, "memberships": memberships}).data)
